"""The model's quality guards, as plain functions and as Dagster asset checks.

Each guard compares one number with a bound and, when it fails, says which number and by how
much, so the failure reads on its own in the UI or an alert. The bounds are set for the demo
at 2,000 customers and more; a company with far fewer customers gets noisier validation
figures and may want them looser.
"""

from dataclasses import dataclass, field
from typing import Any

import dagster as dg
import numpy as np

from intel_assets.model.comparison import INTERVAL, AucChange, auc_change
from intel_assets.model.resources import ModelFolder
from intel_assets.model.versions import StoredModel
from intel_assets.resources import WAREHOUSE_POOL, Warehouse

CHURN_MODEL = dg.AssetKey(["model", "churn_model"])
CHURN_SCORES = dg.AssetKey(["model", "churn_scores"])

AUC_FLOOR = 0.60
ECE_CEILING = 0.05
MAX_AUC_DROP = 0.03
MIN_SCORE_SPREAD = 0.02  # standard deviation of the latest probabilities
MAX_SHARE_ONE_BAND = 0.98


@dataclass(frozen=True)
class Verdict:
    passed: bool
    description: str
    metadata: dict[str, Any] = field(default_factory=dict)

    def result(self) -> dg.AssetCheckResult:
        return dg.AssetCheckResult(
            passed=self.passed, description=self.description, metadata=self.metadata
        )


def auc_above_floor(metrics: dict[str, float], floor: float = AUC_FLOOR) -> Verdict:
    auc = metrics["roc_auc"]
    if auc >= floor:
        return Verdict(True, f"validation ROC AUC {auc:.4f} is at or above {floor}",
                       {"roc_auc": auc, "floor": floor})
    return Verdict(False, f"validation ROC AUC {auc:.4f} is {floor - auc:.4f} below the "
                          f"floor {floor}", {"roc_auc": auc, "floor": floor})


def calibration_under_ceiling(metrics: dict[str, float], ceiling: float = ECE_CEILING) -> Verdict:
    ece = metrics["ece"]
    meta = {"ece": ece, "ceiling": ceiling}
    if ece <= ceiling:
        return Verdict(True, f"expected calibration error {ece:.4f} is within {ceiling}", meta)
    return Verdict(False, f"expected calibration error {ece:.4f} is {ece - ceiling:.4f} above "
                          f"the ceiling {ceiling}", meta)


def no_large_drop(change: AucChange | None, max_drop: float = MAX_AUC_DROP) -> Verdict:
    """Judged on the rows both versions held out where there are enough of them, so that a
    harder validation month is not taken for a worse model."""
    if change is None:
        return Verdict(True, "first model version: nothing to compare with", {})
    drop = -change.change
    meta = {"roc_auc": change.newer_auc, "previous_roc_auc": change.older_auc, "drop": drop,
            "max_drop": max_drop, "rows": change.rows, "shared_rows": change.shared}
    spread = ""
    if change.low is not None and change.high is not None:
        meta |= {"change_low": change.low, "change_high": change.high}
        spread = (f"; {INTERVAL:.0%} interval of the change over customers {change.low:+.4f} "
                  f"to {change.high:+.4f}")
    if drop <= max_drop:
        return Verdict(True, f"validation ROC AUC moved by {change.change:+.4f} against the "
                             f"previous version, {change.basis}{spread}", meta)
    return Verdict(False, f"validation ROC AUC fell by {drop:.4f} against the previous version "
                          f"({change.older_auc:.4f} to {change.newer_auc:.4f}), {change.basis}, "
                          f"more than the allowed {max_drop}{spread}", meta)


def scores_not_collapsed(probabilities: np.ndarray, bands: np.ndarray) -> Verdict:
    """A model that gives nearly everyone the same score ranks no one, whatever its AUC."""
    p = np.asarray(probabilities, dtype="float64")
    if len(p) == 0:
        return Verdict(False, "no active customer was scored", {"customers": 0})
    spread = float(p.std())
    _, counts = np.unique(np.asarray(bands, dtype=str), return_counts=True)
    top_share = float(counts.max() / counts.sum())
    meta = {"std": spread, "min_std": MIN_SCORE_SPREAD, "largest_band_share": top_share,
            "max_band_share": MAX_SHARE_ONE_BAND, "customers": len(p)}
    if spread < MIN_SCORE_SPREAD:
        return Verdict(False, f"scores collapsed: their standard deviation {spread:.4f} is "
                              f"{MIN_SCORE_SPREAD - spread:.4f} below {MIN_SCORE_SPREAD}", meta)
    if top_share > MAX_SHARE_ONE_BAND:
        return Verdict(False, f"scores collapsed: one risk band holds {top_share:.1%} of "
                              f"customers, {top_share - MAX_SHARE_ONE_BAND:.1%} above the "
                              f"{MAX_SHARE_ONE_BAND:.0%} allowed", meta)
    return Verdict(True, f"scores spread with standard deviation {spread:.4f}; the largest "
                         f"band holds {top_share:.1%}", meta)


def _current(model_store: ModelFolder) -> tuple[StoredModel, StoredModel | None]:
    store = model_store.store()
    current = store.current()
    return current, store.previous(current.version)


@dg.asset_check(asset=CHURN_MODEL, description=f"Validation ROC AUC is at least {AUC_FLOOR}.")
def churn_model_auc_above_floor(model_store: ModelFolder) -> dg.AssetCheckResult:
    current, _ = _current(model_store)
    return auc_above_floor(current.metrics).result()


@dg.asset_check(asset=CHURN_MODEL,
                description=f"Expected calibration error is at most {ECE_CEILING}.")
def churn_model_calibrated(model_store: ModelFolder) -> dg.AssetCheckResult:
    current, _ = _current(model_store)
    return calibration_under_ceiling(current.metrics).result()


@dg.asset_check(asset=CHURN_MODEL, description=(
    f"Validation ROC AUC fell by no more than {MAX_AUC_DROP} against the previous version."))
def churn_model_auc_not_dropped(model_store: ModelFolder) -> dg.AssetCheckResult:
    current, previous = _current(model_store)
    return no_large_drop(auc_change(previous, current) if previous else None).result()


@dg.asset_check(asset=CHURN_SCORES, pool=WAREHOUSE_POOL,
                description="The latest scores are spread, not collapsed.")
def churn_scores_not_collapsed(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.connection() as con:
        latest = con.execute(
            "SELECT churn_probability, risk_band FROM model.churn_scores"
        ).df()
    return scores_not_collapsed(latest["churn_probability"].to_numpy(),
                                latest["risk_band"].to_numpy()).result()


MODEL_CHECKS = (
    churn_model_auc_above_floor,
    churn_model_calibrated,
    churn_model_auc_not_dropped,
    churn_scores_not_collapsed,
)
