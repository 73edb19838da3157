"""Scoring with a stored model: probabilities for every snapshot, bands and drivers for the
latest one.

Risk bands are fixed probabilities of churning within the model's horizon, so that a band
means the same thing across model versions and companies:
low below 10%, medium 10% to 25%, high 25% to 50%, critical 50% and above.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from intel_assets.model.drivers import describe_drivers, top_drivers
from intel_assets.model.features import with_history
from intel_assets.model.versions import StoredModel

BAND_EDGES = (0.10, 0.25, 0.50)
BANDS = ("low", "medium", "high", "critical")
TOP_DRIVERS = 3


def risk_band(probabilities: np.ndarray) -> np.ndarray:
    index = np.searchsorted(np.asarray(BAND_EDGES), np.asarray(probabilities), side="right")
    return np.asarray(BANDS, dtype=object)[index]


@dataclass(frozen=True)
class Scores:
    history: pd.DataFrame  # every snapshot row: customer_id, snapshot_at, churn_probability
    latest: pd.DataFrame  # active customers at the latest snapshot, with bands and drivers


def score_snapshots(
    model: StoredModel, snapshots: pd.DataFrame, active_customers: set[str] | pd.Series
) -> Scores:
    booster, spec, calibrator = model.booster(), model.spec, model.calibrator
    frame = with_history(snapshots)
    matrix = spec.matrix(frame)
    now = latest_active(frame, active_customers)

    # The latest rows' raw scores are their contributions' sums, so they are predicted once.
    drivers = top_drivers(booster, matrix[now], TOP_DRIVERS)
    raw = np.empty(len(frame), dtype="float64")
    raw[now] = drivers.raw
    if (~now).any():
        raw[~now] = booster.predict(matrix[~now], raw_score=True)
    probability = calibrator.probabilities(raw)

    history = pd.DataFrame({
        "customer_id": frame["customer_id"].to_numpy(),
        "snapshot_at": frame["snapshot_at"].to_numpy(),
        "churn_probability": probability,
        "model_version": model.version,
    })

    latest = pd.DataFrame({
        "customer_id": frame["customer_id"].to_numpy()[now],
        "snapshot_at": frame["snapshot_at"].to_numpy()[now],
        "churn_probability": probability[now],
        "risk_band": risk_band(probability[now]),
        "drivers": describe_drivers(drivers, frame.loc[now, spec.columns]),
        "model_version": model.version,
        "horizon_days": int(model.metadata["horizon_days"]),
    })
    return Scores(history=history, latest=latest)


def latest_active(frame: pd.DataFrame, active_customers: set[str] | pd.Series) -> np.ndarray:
    """Which rows are an active customer's snapshot at the latest snapshot date: the rows
    whose scores people read today."""
    latest_at = frame["snapshot_at"].max()
    return (frame["snapshot_at"] == latest_at).to_numpy() & _members(
        frame["customer_id"], active_customers)


def probabilities(model: StoredModel, frame: pd.DataFrame) -> np.ndarray:
    """A stored version's calibrated probabilities for rows that already carry the features
    of `with_history`, without drivers."""
    raw = model.booster().predict(model.spec.matrix(frame), raw_score=True)
    return model.calibrator.probabilities(raw)


def _members(ids: pd.Series, wanted: set[str] | pd.Series) -> np.ndarray:
    """Which ids are in `wanted`, through pyarrow's hash lookup: pandas' `isin` on text ids
    goes through Python objects, some seconds for a million customers."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = list(wanted) if isinstance(wanted, set) else wanted
    as_text = pa.large_string()
    found = pc.is_in(pa.array(ids, from_pandas=True).cast(as_text),
                     value_set=pa.array(values, from_pandas=True).cast(as_text))
    return found.fill_null(False).to_numpy(zero_copy_only=False)
