"""The quality figures of a probabilistic classifier, as plain floats for metadata."""

from __future__ import annotations

import numpy as np

ECE_BINS = 10


def expected_calibration_error(labels: np.ndarray, probabilities: np.ndarray) -> float:
    """Mean gap between predicted and observed churn over ten equal-width probability bins,
    weighted by the rows in each bin."""
    y = np.asarray(labels, dtype="float64")
    p = np.asarray(probabilities, dtype="float64")
    bins = np.minimum((p * ECE_BINS).astype(np.int64), ECE_BINS - 1)
    total = 0.0
    for b in np.unique(bins):
        inside = bins == b
        total += inside.sum() * abs(p[inside].mean() - y[inside].mean())
    return float(total / len(y))


def classification_metrics(labels: np.ndarray, probabilities: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    y = np.asarray(labels, dtype="float64")
    p = np.asarray(probabilities, dtype="float64")
    return {
        "roc_auc": float(roc_auc_score(y, p)),
        "pr_auc": float(average_precision_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "ece": expected_calibration_error(y, p),
        "base_rate": float(y.mean()),
        "mean_probability": float(p.mean()),
        "rows": float(len(y)),
    }
