"""How far the churn model can get on a demo home: its AUC against the oracle's, and the same
with the answer key's planted behaviour change handed to the model as a feature.

The demo's oracle knows when each account's planted behaviour change began (its churn
hazard rises sixfold some weeks later). The model sees only the tools' counts, and a change
in a sparse behaviour (three lifecycle emails a month, a support ticket every five months) is
hard to date from them. Training the same model once more with a column saying whether the
change has begun by each snapshot shows how much of the gap to the oracle is that one
latent fact, and so how much better features could still win. Reads the ground truth,
which only benchmarks and tests may do. Run on a home built by `intel demo`:

    .venv/bin/python benchmarks/model_ceiling.py --home .intel

The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intel_assets.demo.truth import Truth  # noqa: E402
from intel_assets.evaluation.model_metrics import true_accounts  # noqa: E402
from intel_assets.model.fitting import fit_churn_model  # noqa: E402
from intel_assets.warehouse import connect  # noqa: E402

CHANGE_COLUMN = "planted_change_begun"


def load(home: Path) -> tuple[pd.DataFrame, pd.Series, Truth]:
    with connect(home / "warehouse.duckdb", read_only=True) as con:
        snapshots = con.execute("select * from marts.customer_snapshots").df()
        identity_map = con.execute(
            "select source, value, person_id, customer_id from identity.identity_map"
        ).df()
    truth = Truth(home / "demo_truth")
    return snapshots, true_accounts(truth, identity_map), truth


def with_planted_change(
    snapshots: pd.DataFrame, accounts: pd.Series, truth: Truth
) -> pd.DataFrame:
    onset = truth.table("accounts").set_index("account_id")["leading_onset_at"]
    began = pd.to_datetime(snapshots["customer_id"].map(accounts).map(onset))
    return snapshots.assign(**{CHANGE_COLUMN: (began <= snapshots["snapshot_at"]).astype(float)})


def against_oracle(
    snapshots: pd.DataFrame, accounts: pd.Series, truth: Truth, horizon: int
) -> dict[str, float]:
    fitted = fit_churn_model(snapshots, horizon_days=horizon)
    rows = fitted.validation.assign(account_id=fitted.validation["customer_id"].map(accounts))
    rows = rows[rows["account_id"].notna()].reset_index(drop=True)
    oracle = truth.churn_probability(rows, horizon_days=horizon)
    auc = float(roc_auc_score(rows["label"], rows["probability"]))
    oracle_auc = float(roc_auc_score(rows["label"], oracle))
    return {"auc": round(auc, 4), "oracle_auc": round(oracle_auc, 4),
            "ratio": round(auc / oracle_auc, 4), "rows": len(rows)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--horizon", type=int, default=90)
    args = parser.parse_args()

    snapshots, accounts, truth = load(args.home)
    behaviour = next((p["parameters"]["behaviour"] for p in truth.patterns
                      if p["family"] == "leading_indicator"), None)
    observed = against_oracle(snapshots, accounts, truth, args.horizon)
    print(f"tools' data only:     AUC {observed['auc']:.4f}, oracle {observed['oracle_auc']:.4f},"
          f" ratio {observed['ratio']:.4f}")
    result = {"behaviour": behaviour, "observed": observed}
    if behaviour is not None:
        known = against_oracle(with_planted_change(snapshots, accounts, truth), accounts,
                               truth, args.horizon)
        print(f"with the change date: AUC {known['auc']:.4f}, oracle {known['oracle_auc']:.4f},"
              f" ratio {known['ratio']:.4f} ({behaviour} is the planted behaviour)")
        result["change_known"] = known
        result["gap_closed_by_change_date"] = round(
            float(np.clip((known["ratio"] - observed["ratio"]) / (1 - observed["ratio"]), 0, 1)),
            4)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
