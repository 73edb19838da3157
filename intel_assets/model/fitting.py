"""From `marts.customer_snapshots` to a calibrated, measured churn model, in steps.

Split in time (training rows end, label windows included, where validation begins), train
LightGBM with early stopping on the validation snapshots, calibrate on those same held-out
rows, and report every figure from probabilities cross-fitted across customers, so that no
reported calibration figure comes from a calibrator that saw the row.

The model that scores is the one measured: it learned nothing from the validation months or
the horizon purged before them, so what it knows of churn is that much older than the newest
closed label window (on the monthly demo, about five months). Refitting on those months too
would leave no held-out row to calibrate or measure the refit with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from intel_assets.model.calibration import METHODS, Calibrator, cross_fitted, fit_calibrator
from intel_assets.model.features import (
    FeatureSpec,
    label_column,
    snapshot_feature_columns,
    window_closed_column,
    with_history,
)
from intel_assets.model.metrics import classification_metrics
from intel_assets.model.split import time_split
from intel_assets.model.training import train_booster

TOP_IMPORTANCES = 10


@dataclass(frozen=True)
class FittedModel:
    booster: Any
    spec: FeatureSpec
    calibrator: Calibrator
    metrics: dict[str, float]
    importances: pd.Series  # share of total gain per feature, largest first
    validation: pd.DataFrame  # customer_id, snapshot_at, label, raw_score, probability
    summary: dict[str, Any]

    def metadata(self) -> dict[str, Any]:
        return {
            **self.summary,
            "metrics": self.metrics,
            "importances": {k: float(v) for k, v in self.importances.items()},
            "features": self.spec.to_dict(),
            "calibrator": self.calibrator.to_dict(),
        }


def fit_churn_model(
    snapshots: pd.DataFrame,
    *,
    horizon_days: int = 90,
    validation_fraction: float = 0.25,
    calibration: str = "platt",
    seed: int = 0,
) -> FittedModel:
    if calibration not in METHODS:
        raise ValueError(f"calibration must be one of {METHODS}, got {calibration!r}")
    label, closed = label_column(horizon_days), window_closed_column(horizon_days)
    frame = with_history(snapshots)
    split = time_split(frame, window_closed=closed, horizon_days=horizon_days,
                       validation_fraction=validation_fraction)
    spec = FeatureSpec.learn(split.train, snapshot_feature_columns(frame.columns))

    train_x, valid_x = spec.matrix(split.train), spec.matrix(split.validation)
    train_y = split.train[label].astype(int).to_numpy()
    valid_y = split.validation[label].astype(int).to_numpy()
    trained = train_booster(train_x, train_y, valid_x, valid_y, seed=seed)

    raw = trained.booster.predict(valid_x, raw_score=True)
    customers = split.validation["customer_id"].to_numpy()
    held_out = cross_fitted(raw, valid_y, customers, calibration)
    calibrator = fit_calibrator(raw, valid_y, calibration)
    metrics = classification_metrics(valid_y, held_out)
    metrics["brier_uncalibrated"] = float(
        np.mean((1.0 / (1.0 + np.exp(-raw)) - valid_y) ** 2)
    )

    gains = pd.Series(
        trained.booster.feature_importance(importance_type="gain"), index=spec.columns
    )
    importances = (gains / gains.sum()).sort_values(ascending=False)
    validation = pd.DataFrame({
        "customer_id": customers,
        "snapshot_at": split.validation["snapshot_at"].to_numpy(),
        "label": valid_y,
        "raw_score": raw,
        "probability": held_out,
    })
    summary = {
        "horizon_days": horizon_days,
        "calibration": calibration,
        "validation_fraction": validation_fraction,
        "validation_start": str(split.validation_start.date()),
        "validation_end": str(pd.Timestamp(split.validation["snapshot_at"].max()).date()),
        "train_start": str(pd.Timestamp(split.train["snapshot_at"].min()).date()),
        "train_end": str(split.train_end.date()),
        "train_rows": len(split.train),
        "purged_rows": split.purged_rows,
        "validation_rows": len(split.validation),
        "best_iteration": trained.best_iteration,
        "params": dict(trained.params),
    }
    return FittedModel(trained.booster, spec, calibrator, metrics, importances, validation,
                       summary)
