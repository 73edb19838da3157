"""The churn model against the oracle: the demo's true churn probabilities, scored on exactly
the model's validation rows.

The ratio of the model's validation ROC AUC to the oracle's says how much of the signal the
tools carry the model recovers, whatever the seed makes achievable. The oracle knows what is
true at each snapshot; the hindsight oracle also knows which accounts' planted changes begin
within the horizon, which nothing at the snapshot can tell, and is reported beside it as the
bound no model reaches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from intel_assets.demo.truth import Truth
from intel_assets.evaluation.identity_metrics import matched_identifiers
from intel_assets.model.versions import ModelStore
from intel_assets.warehouse import connect


def true_accounts(truth: Truth, identity_map: pd.DataFrame) -> pd.Series:
    """The true account of each pipeline customer: the account most of its identifiers
    belong to in the answer key."""
    joined = matched_identifiers(truth.table("identities"), identity_map)
    joined = joined[joined["customer_id"].notna() & joined["account_id"].notna()]
    votes = joined.groupby(["customer_id", "account_id"]).size().rename("n").reset_index()
    votes = votes.sort_values(["customer_id", "n", "account_id"], ascending=[True, False, True])
    return votes.drop_duplicates("customer_id").set_index("customer_id")["account_id"]


def model_scores(models: Path, warehouse: Path, truth_folder: Path) -> dict[str, Any]:
    model = ModelStore(models).current()
    validation = model.validation()
    horizon = int(model.metadata["horizon_days"])
    with connect(warehouse, read_only=True) as con:
        identity_map = con.execute(
            "SELECT source, value, person_id, customer_id FROM identity.identity_map"
        ).df()

    truth = Truth(truth_folder)
    accounts = true_accounts(truth, identity_map)
    return {**against_oracle(validation, accounts, truth, horizon),
            "model_version": model.version}


def against_oracle(
    validation: pd.DataFrame, accounts: pd.Series, truth: Truth, horizon: int
) -> dict[str, Any]:
    """The model's AUC and the oracle's on the validation rows (customer_id, snapshot_at,
    label, probability) whose customer maps to a true account."""
    rows = validation.assign(account_id=validation["customer_id"].map(accounts))
    rows = rows[rows["account_id"].notna()].reset_index(drop=True)
    labels = rows["label"].to_numpy()

    oracle = truth.churn_probability(rows, horizon_days=horizon)
    hindsight = truth.churn_probability(rows, horizon_days=horizon, hindsight=True)
    auc = float(roc_auc_score(labels, rows["probability"]))
    oracle_auc = float(roc_auc_score(labels, oracle))
    hindsight_auc = float(roc_auc_score(labels, hindsight))
    return {
        "auc": round(auc, 5),
        "oracle_auc": round(oracle_auc, 5),
        "ratio": round(auc / oracle_auc, 5),
        "hindsight_oracle_auc": round(hindsight_auc, 5),
        "hindsight_ratio": round(auc / hindsight_auc, 5),
        "oracle_mean_probability": round(float(np.mean(oracle)), 5),
        "base_rate": round(float(labels.mean()), 5),
        "validation_rows": len(rows),
        "unmatched_rows": len(validation) - len(rows),
    }
