"""How fast the churn model trains and scores, against a logistic regression baseline
measured in the same run on the same rows.

Training: `fit_churn_model` (the asset's whole path: history features, time split, LightGBM
with early stopping, cross-fitted calibration) on 100,000 synthetic snapshot rows shaped
like `marts.customer_snapshots`. Scoring: `score_snapshots` with the stored version on
1,000,000 customers at one snapshot (probabilities, bands and three drivers in words each).
Targets: training under 60 s, scoring under 30 s on two cores. Each is also timed against a
baseline in the same run (a logistic regression's training; LightGBM's own prediction of the
same customers), since a shared machine's speed drifts from day to day. The last line is
JSON.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from intel_assets.model.features import with_history
from intel_assets.model.fitting import fit_churn_model
from intel_assets.model.scoring import score_snapshots
from intel_assets.model.versions import ModelStore

MEASURES = ("events", "sessions", "reports_created", "dashboards_shared",
            "integrations_connected", "data_exports", "tickets", "emails_delivered",
            "emails_opened", "emails_clicked")
CATEGORIES = {"plan": 3, "acquisition_channel": 8, "acquisition_campaign": 40,
              "industry": 8, "country": 12}
TRAIN_ROWS = 100_000
SCORE_ROWS = 1_000_000
MONTHS = 12


def synthetic_snapshots(customers: int, months: int, seed: int = 0) -> pd.DataFrame:
    """A panel with the mart's column families and a churn label driven by a latent
    engagement, so training does real work rather than stopping at once."""
    rng = np.random.default_rng(seed)
    n = customers * months
    engagement = np.repeat(rng.normal(size=customers), months)
    dates = pd.date_range("2025-01-01", periods=months, freq="MS")
    columns: dict[str, object] = {
        "customer_id": np.repeat(np.char.add("c_", np.arange(customers).astype(str)), months),
        "snapshot_at": np.tile(dates, customers),
    }
    for measure in MEASURES:
        rate = np.exp(1.0 + 0.5 * engagement)
        for days in (7, 30, 90):
            columns[f"{measure}_{days}d"] = rng.poisson(rate * days / 30)
        columns[f"{measure}_prior_30d"] = rng.poisson(rate)
        columns[f"{measure}_trend"] = rng.lognormal(0, 0.3, n)
    for name in ("days_since_last_event", "days_since_last_ticket",
                 "days_since_last_email_open", "peak_active_people_30d", "people_signed_up",
                 "seats", "tenure_days", "latest_survey_score"):
        columns[name] = rng.integers(0, 180, n)
    columns["email_open_rate_90d"] = rng.random(n)
    columns["mrr"] = rng.gamma(2.0, 100.0, n)
    for flag in ("adopted_report_created", "adopted_dashboard_shared",
                 "adopted_integration_connected", "adopted_data_exported",
                 "has_onboarding_ticket", "clicked_onboarding_email"):
        columns[flag] = rng.random(n) < 0.5
    for name, levels in CATEGORIES.items():
        columns[name] = rng.choice([f"{name}_{i}" for i in range(levels)], n)
    frame = pd.DataFrame(columns)
    log_odds = -1.3 - 0.8 * engagement + 0.3 * frame["tickets_30d"].to_numpy() / 3
    frame["churned_within_90d"] = rng.random(n) < 1 / (1 + np.exp(-log_odds))
    frame["label_window_closed_90d"] = frame["snapshot_at"] <= dates[-min(4, months)]
    return frame


CPU_SECONDS: dict[str, float] = {}


def timed(step, name: str) -> tuple[float, object]:
    """Wall seconds of `step`; its CPU seconds go to CPU_SECONDS, since on a shared machine
    the wall time also counts other processes' load."""
    started, cpu = time.perf_counter(), time.process_time()
    value = step()
    CPU_SECONDS[name] = round(time.process_time() - cpu, 2)
    return time.perf_counter() - started, value


def main() -> None:
    panel = synthetic_snapshots(TRAIN_ROWS // MONTHS, MONTHS)
    train_seconds, fitted = timed(lambda: fit_churn_model(panel), "train")
    closed = panel[panel["label_window_closed_90d"]]
    numeric = closed.select_dtypes(include=["number", "bool"]).drop(
        columns=["churned_within_90d", "label_window_closed_90d"]).astype("float64")
    scaled = StandardScaler().fit_transform(numeric)
    baseline_seconds, _ = timed(
        lambda: LogisticRegression(max_iter=1000).fit(scaled, closed["churned_within_90d"]),
        "baseline",
    )
    print(f"training on {len(panel):,} snapshot rows: {train_seconds:.1f}s "
          f"({fitted.summary['best_iteration']} rounds, validation ROC AUC "
          f"{fitted.metrics['roc_auc']:.3f}); logistic regression on the same rows "
          f"{baseline_seconds:.1f}s")

    with tempfile.TemporaryDirectory() as folder:
        store = ModelStore(Path(folder))
        stored = store.save(fitted.booster.model_to_string(), fitted.metadata(),
                            fitted.validation)
        customers = synthetic_snapshots(SCORE_ROWS, 1, seed=1)
        active = customers["customer_id"]
        score_seconds, scores = timed(
            lambda: score_snapshots(stored, customers, active), "score")
        features = with_history(customers)
        plain_seconds, _ = timed(
            lambda: stored.booster().predict(stored.spec.matrix(features), raw_score=True),
            "score_baseline",
        )
    print(f"scoring {len(scores.latest):,} customers with drivers: {score_seconds:.1f}s; "
          f"LightGBM's own prediction of the same rows from their features (no calibration, "
          f"bands or drivers) {plain_seconds:.1f}s")

    print(json.dumps({
        "train_rows": len(panel),
        "train_seconds": round(train_seconds, 2),
        "train_baseline_logreg_seconds": round(baseline_seconds, 2),
        "train_ratio_to_baseline": round(train_seconds / baseline_seconds, 2),
        "best_iteration": fitted.summary["best_iteration"],
        "score_rows": len(scores.latest),
        "score_seconds": round(score_seconds, 2),
        "score_baseline_plain_predict_seconds": round(plain_seconds, 2),
        "score_ratio_to_baseline": round(score_seconds / plain_seconds, 2),
        "cpu_seconds": CPU_SECONDS,
        "train_target_met": train_seconds < 60,
        "score_target_met": score_seconds < 30,
    }))


if __name__ == "__main__":
    main()
