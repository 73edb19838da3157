"""Small synthetic snapshot panels with a known churn signal, for the model's unit tests."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

PLANS = ("starter", "team", "business")
PLAN_EFFECT = {"starter": 0.6, "team": 0.0, "business": -0.6}


def snapshot_panel(
    *, customers: int = 600, months: int = 12, seed: int = 3, signal: float = 1.0
) -> pd.DataFrame:
    """One row per customer per month start, shaped like `marts.customer_snapshots`: usage
    and support counts, a plan, and a 90-day churn label whose log-odds rise with tickets and
    fall with sessions (scaled by `signal`; 0 makes churn pure noise). The last three months'
    label windows are still open."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2025-01-01", periods=months, freq="MS")
    ids = np.array([f"c_{i:05d}" for i in range(customers)], dtype=object)
    engagement = rng.normal(0.0, 1.0, customers)
    plan = rng.choice(PLANS, size=customers)

    frame = pd.DataFrame({
        "customer_id": np.repeat(ids, months),
        "snapshot_at": np.tile(dates, customers),
    })
    eng = np.repeat(engagement, months)
    plans = np.repeat(plan, months)
    frame["sessions_30d"] = rng.poisson(np.exp(1.5 + 0.6 * eng))
    frame["sessions_90d"] = frame["sessions_30d"] * 3 + rng.poisson(2, len(frame))
    frame["tickets_30d"] = rng.poisson(np.exp(-0.2 - 0.5 * eng))
    frame["tickets_90d"] = frame["tickets_30d"] * 3 + rng.poisson(1, len(frame))
    frame["people_signed_up"] = rng.integers(1, 6, len(frame))
    frame["email_open_rate_90d"] = np.where(
        rng.random(len(frame)) < 0.1, np.nan, 1 / (1 + np.exp(-eng))
    )
    frame["plan"] = plans
    frame["tenure_days"] = np.tile(np.arange(months) * 30 + 30, customers)

    log_odds = -1.4 + signal * (
        0.45 * frame["tickets_30d"] - 0.12 * frame["sessions_30d"]
        + pd.Series(plans).map(PLAN_EFFECT).to_numpy()
    )
    churn_probability = 1 / (1 + np.exp(-log_odds.to_numpy()))
    frame["true_probability"] = churn_probability
    frame["churned_within_90d"] = rng.random(len(frame)) < churn_probability
    frame["label_window_closed_90d"] = frame["snapshot_at"] <= dates[-4]
    return frame


def features_and_labels(panel: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    from intel_assets.model.features import FeatureSpec, snapshot_feature_columns

    columns = [c for c in snapshot_feature_columns(panel.columns) if c != "true_probability"]
    spec = FeatureSpec.learn(panel, columns)
    return spec.matrix(panel), panel["churned_within_90d"].astype(int).to_numpy()


# Unit tests train with a larger step so that early stopping comes within a few dozen rounds.
QUICK = {"learning_rate": 0.15}


def snapshot_warehouse(path: Path, panel: pd.DataFrame) -> None:
    """A DuckDB file holding `marts.customer_snapshots` (the panel) and `marts.customers`, where
    a tenth of the customers left before the last snapshot and so have no row in it."""
    last = panel["snapshot_at"].max()
    customers = pd.DataFrame({"customer_id": panel["customer_id"].unique()})
    customers["is_churned"] = customers.index % 10 == 0
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.register("_panel", panel.drop(columns="true_probability", errors="ignore"))
        con.execute("CREATE TABLE marts.customer_snapshots AS SELECT * FROM _panel")
        con.register("_customers", customers)
        con.execute("CREATE TABLE marts.customers AS SELECT * FROM _customers")
        con.execute("DELETE FROM marts.customer_snapshots WHERE snapshot_at = ? AND "
                    "customer_id IN (SELECT customer_id FROM marts.customers WHERE is_churned)",
                    [last])
