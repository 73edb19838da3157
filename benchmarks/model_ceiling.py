"""How far the churn model can get on a demo home: its AUC against the oracle's, and the same
with what the answer key knows of the planted behaviour change handed to the model.

The demo's oracle knows, at each snapshot, whether and when each account's planted behaviour
change began (its churn hazard rises sixfold some weeks later; a change yet to begin is only
a chance, the same for every account it can strike). The model sees only the tools' counts,
and a change in a sparse behaviour (one newsletter a month, a few extra tickets a month) is
hard to date from them. Three runs tell where the distance to the oracle lies:
- change read from the tools: a LightGBM detector, taught by the answer key's own flags,
  reads from the tools' features whether the change has begun, and the churn model gets its
  reading as a column. This is a strong reading of what the tools hold about the change,
  though not a proof that none better exists; its distance to the model's own figure is
  roughly what better features could still win;
- change date, where seen: the flag itself, for a drop only where the behaviour had been
  seen before the change began;
- change date, everywhere: the flag for every account, what the oracle knows.
The distance between the first and the last is what the tools' data do not hold. Reads the
ground truth, which only benchmarks and tests may do. Run on a home built by `intel demo`:

    .venv/bin/python benchmarks/model_ceiling.py --home .intel

The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intel_assets.demo.truth import Truth  # noqa: E402
from intel_assets.evaluation.model_metrics import against_oracle, true_accounts  # noqa: E402
from intel_assets.model.calibration import fold_of  # noqa: E402
from intel_assets.model.features import (  # noqa: E402
    FeatureSpec,
    snapshot_feature_columns,
    with_history,
)
from intel_assets.model.fitting import fit_churn_model  # noqa: E402
from intel_assets.model.training import train_booster  # noqa: E402
from intel_assets.warehouse import connect  # noqa: E402

CHANGE_COLUMN = "planted_change_begun"
READ_COLUMN = "planted_change_read"
DETECTOR_FOLDS = 2
# How long before the snapshot the change began, in days: the detector's AUC is reported
# for each band against the snapshots where no change had begun.
ONSET_AGE_BANDS = ((0, 30), (30, 60), (60, 120), (120, None))
# The mart's count for each behaviour the demo can plant a drop in. A rise (support tickets)
# shows whether or not the account did the behaviour before, so every account can see it.
BEHAVIOUR_MEASURES = {"sessions": "sessions_30d", "report_created": "reports_created_30d",
                      "email_opens": "emails_opened_30d"}


def load(home: Path) -> tuple[pd.DataFrame, pd.Series, Truth]:
    with connect(home / "warehouse.duckdb", read_only=True) as con:
        snapshots = con.execute("select * from marts.customer_snapshots").df()
        identity_map = con.execute(
            "select source, value, person_id, customer_id from identity.identity_map"
        ).df()
    truth = Truth(home / "demo_truth")
    return snapshots, true_accounts(truth, identity_map), truth


def with_planted_change(
    snapshots: pd.DataFrame, accounts: pd.Series, truth: Truth, *, seen_in: str | None = None
) -> pd.DataFrame:
    """The change flag per snapshot; with `seen_in`, only for customers whose count of that
    measure was above zero in some snapshot up to the change."""
    began = _onset(snapshots, accounts, truth)
    flag = began <= snapshots["snapshot_at"]
    if seen_in is not None:
        before = snapshots[seen_in].where(snapshots["snapshot_at"] <= began, 0).fillna(0)
        flag &= before.groupby(snapshots["customer_id"]).transform("sum") > 0
    return snapshots.assign(**{CHANGE_COLUMN: flag.astype(float)})


def _onset(snapshots: pd.DataFrame, accounts: pd.Series, truth: Truth) -> pd.Series:
    onset = truth.table("accounts").set_index("account_id")["leading_onset_at"]
    return pd.to_datetime(snapshots["customer_id"].map(accounts).map(onset))


def with_change_read_from_tools(
    snapshots: pd.DataFrame, accounts: pd.Series, truth: Truth
) -> pd.DataFrame:
    """The snapshots with the detector's reading of the change.

    Cross-fitted by customer: no row is read by a detector that was taught its flag, and
    each detector stops early on customers of its own training half.
    """
    frame = with_history(snapshots)
    flag = with_planted_change(frame, accounts, truth)[CHANGE_COLUMN].to_numpy()
    spec = FeatureSpec.learn(frame, snapshot_feature_columns(frame.columns))
    matrix = spec.matrix(frame)
    customers = frame["customer_id"].to_numpy()
    half, stopping = fold_of(customers, DETECTOR_FOLDS), fold_of(customers, 5) == 0
    reading = np.empty(len(frame))

    for k in range(DETECTOR_FOLDS):
        fit, stop = (half != k) & ~stopping, (half != k) & stopping
        detector = train_booster(matrix[fit], flag[fit], matrix[stop], flag[stop]).booster
        reading[half == k] = detector.predict(matrix[half == k], raw_score=True)

    return frame.loc[:, list(snapshots.columns)].assign(**{READ_COLUMN: reading})


def detector_aucs(read: pd.DataFrame, accounts: pd.Series, truth: Truth) -> dict[str, float]:
    """How well the reading tells a begun change from none: over all snapshots, and by how
    long before the snapshot the change began. A change that began weeks ago has shown for
    longer, and only it is what the oracle counts on within the horizon."""
    age = (read["snapshot_at"] - _onset(read, accounts, truth)).dt.days.to_numpy()
    reading = read[READ_COLUMN].to_numpy()
    none = ~(age >= 0)  # no onset yet, or none at all (NaN)
    aucs = {"all": float(roc_auc_score(~none, reading))}

    for low, high in ONSET_AGE_BANDS:
        band = (age >= low) & (age < (high if high is not None else np.inf))
        if band.any() and none.any():
            labels = np.r_[np.ones(band.sum()), np.zeros(none.sum())]
            name = f"{low}-{high}_days" if high is not None else f"{low}+_days"
            aucs[name] = float(roc_auc_score(labels, np.r_[reading[band], reading[none]]))
    return aucs


def fitted_against_oracle(
    snapshots: pd.DataFrame, accounts: pd.Series, truth: Truth, horizon: int
) -> dict[str, Any]:
    fitted = fit_churn_model(snapshots, horizon_days=horizon)
    return against_oracle(fitted.validation, accounts, truth, horizon)


def _report(label: str, figures: dict[str, Any]) -> None:
    print(f"{label + ':':26s} AUC {figures['auc']:.4f}, oracle {figures['oracle_auc']:.4f}, "
          f"ratio {figures['ratio']:.4f} (to the hindsight oracle "
          f"{figures['hindsight_ratio']:.4f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--horizon", type=int, default=90)
    args = parser.parse_args()

    snapshots, accounts, truth = load(args.home)
    behaviour = next((p["parameters"]["behaviour"] for p in truth.patterns
                      if p["family"] == "leading_indicator"), None)
    result: dict[str, object] = {"behaviour": behaviour}
    result["observed"] = fitted_against_oracle(snapshots, accounts, truth, args.horizon)
    _report("tools' data only", result["observed"])

    if behaviour is not None:
        read = with_change_read_from_tools(snapshots, accounts, truth)
        aucs = detector_aucs(read, accounts, truth)
        result["change_read"] = {**fitted_against_oracle(read, accounts, truth, args.horizon),
                                 "detector_aucs": aucs}
        _report("change read from tools", result["change_read"])
        print(f"{'':26s} detector AUC, begun against none: "
              + ", ".join(f"{k.replace('_', ' ')} {v:.3f}" for k, v in aucs.items()))

        measure = BEHAVIOUR_MEASURES.get(behaviour)
        variants = [("change_known", "change date, everywhere", None)]
        if measure is not None:
            variants.insert(0, ("change_known_where_seen", "change date, where seen", measure))
        for name, label, seen_in in variants:
            changed = with_planted_change(snapshots, accounts, truth, seen_in=seen_in)
            result[name] = fitted_against_oracle(changed, accounts, truth, args.horizon)
            _report(label, result[name])
        print(f"({behaviour} is the planted behaviour; " + (
            f"'where seen' is the most the tools' {measure} could tell)" if measure else
            "a rise can show in any account, so 'everywhere' is the most the tools could tell)"))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
