"""Two kept model versions side by side: their figures, their AUC on the rows both held out,
and how today's customers would move between risk bands from one to the other.

Each version's own figures come from its own validation rows. After a retrain on newer data
those rows are partly different snapshots, so a change in AUC between the two mixes the model
with the period it was measured on: a harder month looks like a worse model. The rows both
versions held out (the same customer at the same snapshot, with the same label) compare the
models alone, and a bootstrap over customers says how far that change moves by chance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from intel_assets.model.features import with_history
from intel_assets.model.scoring import BANDS, latest_active, probabilities, risk_band
from intel_assets.model.versions import StoredModel

KEYS = ["customer_id", "snapshot_at"]
# Fewer shared rows (or churners among them) than this and the shared AUC is too noisy to
# judge a version by; each version's own figures are compared instead, and said to be.
MIN_SHARED_ROWS = 200
MIN_SHARED_CHURNERS = 20
BOOTSTRAP_DRAWS = 200
INTERVAL = 0.95
FIGURES = ("roc_auc", "pr_auc", "brier", "brier_uncalibrated", "ece", "base_rate",
           "mean_probability")


@dataclass(frozen=True)
class AucChange:
    """The newer version's ROC AUC against the older's, and on which rows."""

    older_auc: float
    newer_auc: float
    rows: int  # rows the two AUCs were measured on (the newer version's own, if not shared)
    shared: bool
    low: float | None = None  # bootstrap interval of the change, over customers
    high: float | None = None

    @property
    def change(self) -> float:
        return self.newer_auc - self.older_auc

    @property
    def basis(self) -> str:
        if self.shared:
            return f"on the {self.rows:,} validation rows both versions held out"
        return "each on its own validation rows (too few held out by both to compare on)"

    def to_dict(self) -> dict[str, Any]:
        return {"older_auc": self.older_auc, "newer_auc": self.newer_auc,
                "change": self.change, "rows": self.rows, "shared": self.shared,
                "interval_low": self.low, "interval_high": self.high}


def shared_validation_rows(older: StoredModel, newer: StoredModel) -> pd.DataFrame:
    """customer_id, label and both versions' held-out probabilities, for every validation row
    the two versions share with the same label.

    Versions of different horizons share no row: their labels ask different questions.
    """
    columns = [*KEYS, "label", "probability"]
    if older.metadata["horizon_days"] != newer.metadata["horizon_days"]:
        return pd.DataFrame(columns=["customer_id", "label", "older", "newer"])
    rows = older.validation()[columns].merge(
        newer.validation()[columns], on=KEYS, suffixes=("_older", "_newer"))
    rows = rows[rows["label_older"] == rows["label_newer"]]
    return pd.DataFrame({
        "customer_id": rows["customer_id"].to_numpy(),
        "label": rows["label_newer"].to_numpy(),
        "older": rows["probability_older"].to_numpy(),
        "newer": rows["probability_newer"].to_numpy(),
    })


def auc_change(older: StoredModel, newer: StoredModel, *, seed: int = 0) -> AucChange:
    """The change in ROC AUC from `older` to `newer`, on their shared validation rows when
    there are enough of them, with a customer-bootstrap interval."""
    from sklearn.metrics import roc_auc_score

    rows = shared_validation_rows(older, newer)
    churners = int(rows["label"].sum())
    if len(rows) < MIN_SHARED_ROWS or min(churners, len(rows) - churners) < MIN_SHARED_CHURNERS:
        return AucChange(older_auc=older.metrics["roc_auc"], newer_auc=newer.metrics["roc_auc"],
                         rows=int(newer.metrics["rows"]), shared=False)

    labels = rows["label"].to_numpy()
    changes = _bootstrap_changes(rows, seed=seed)
    tail = (1.0 - INTERVAL) / 2.0
    return AucChange(
        older_auc=float(roc_auc_score(labels, rows["older"])),
        newer_auc=float(roc_auc_score(labels, rows["newer"])),
        rows=len(rows), shared=True,
        low=float(np.quantile(changes, tail)), high=float(np.quantile(changes, 1.0 - tail)),
    )


def _bootstrap_changes(rows: pd.DataFrame, *, seed: int) -> np.ndarray:
    """AUC changes over resamples of whole customers: a customer's snapshots are not
    independent rows, so resampling rows would understate the noise. A resample is a weight
    per row, the number of times its customer was drawn."""
    customer = pd.factorize(rows["customer_id"])[0]
    customers = int(customer.max()) + 1
    labels = rows["label"].to_numpy().astype(bool)
    older, newer = RankedScores(rows["older"], labels), RankedScores(rows["newer"], labels)
    rng = np.random.default_rng(seed)
    changes = np.empty(BOOTSTRAP_DRAWS)
    for draw in range(BOOTSTRAP_DRAWS):
        weight = rng.multinomial(customers, np.full(customers, 1.0 / customers))[customer]
        changes[draw] = newer.auc(weight) - older.auc(weight)
    return changes[np.isfinite(changes)]


class RankedScores:
    """One version's scores, ranked once, so that each resample's weighted ROC AUC is two
    sums over tie groups instead of a sort (sklearn takes some 15 ms a call; this under 1)."""

    def __init__(self, scores: pd.Series, labels: np.ndarray) -> None:
        _, self.group = np.unique(scores.to_numpy(dtype="float64"), return_inverse=True)
        self.groups = int(self.group.max()) + 1
        self.labels = labels

    def auc(self, weight: np.ndarray) -> float:
        """The probability that a churner outscores a stayer, ties counting half."""
        churners = np.bincount(self.group, weights=weight * self.labels, minlength=self.groups)
        stayers = np.bincount(self.group, weights=weight * ~self.labels, minlength=self.groups)
        below = np.cumsum(stayers) - stayers
        pairs = churners.sum() * stayers.sum()
        if pairs == 0:
            return float("nan")
        return float((churners * (below + 0.5 * stayers)).sum() / pairs)


def figure_table(older: StoredModel, newer: StoredModel) -> pd.DataFrame:
    """Each figure as each version reported it on its own validation rows, and the change."""
    names = [f for f in FIGURES if f in older.metrics and f in newer.metrics]
    table = pd.DataFrame({
        "figure": names,
        "older": [float(older.metrics[f]) for f in names],
        "newer": [float(newer.metrics[f]) for f in names],
    })
    return table.assign(change=table["newer"] - table["older"])


def importance_shifts(older: StoredModel, newer: StoredModel, *, top: int = 5) -> pd.DataFrame:
    """The features whose share of the model's gain moved most between the versions."""
    shares = pd.DataFrame({"older": pd.Series(older.metadata["importances"], dtype="float64"),
                           "newer": pd.Series(newer.metadata["importances"], dtype="float64")})
    shares = shares.fillna(0.0).assign(change=lambda t: t["newer"] - t["older"])
    order = shares["change"].abs().sort_values(ascending=False, kind="stable").index
    return shares.loc[order[:top]].rename_axis("feature").reset_index()


def band_moves(
    older: StoredModel, newer: StoredModel, snapshots: pd.DataFrame,
    active_customers: pd.Series,
) -> pd.DataFrame:
    """Active customers at the latest snapshot counted by their risk band under each version:
    what switching from one version to the other would change for the people reading bands.

    Raises KeyError naming the columns when the snapshots no longer hold a feature one of the
    versions was trained on.
    """
    frame = with_history(snapshots)
    latest = frame[latest_active(frame, active_customers)]
    moves = pd.crosstab(
        pd.Categorical(risk_band(probabilities(older, latest)), categories=BANDS),
        pd.Categorical(risk_band(probabilities(newer, latest)), categories=BANDS),
        rownames=["older"], colnames=["newer"], dropna=False,
    )
    return moves.reindex(index=list(BANDS), columns=list(BANDS), fill_value=0)
