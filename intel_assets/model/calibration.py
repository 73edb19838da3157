"""Calibration: from LightGBM's raw scores to probabilities that mean what they say.

Class weighting in training inflates the raw scores on purpose, so probabilities come from a
calibrator fitted on held-out rows: Platt scaling (a logistic fit of the raw score, which keeps
the ranking and so the AUC exactly) or isotonic regression (any monotone shape, ties allowed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

METHODS = ("platt", "isotonic")


@dataclass(frozen=True)
class Calibrator:
    method: str
    parameters: dict[str, Any]

    def probabilities(self, raw_scores: np.ndarray) -> np.ndarray:
        raw = np.asarray(raw_scores, dtype="float64")
        if self.method == "platt":
            z = self.parameters["slope"] * raw + self.parameters["intercept"]
            return 1.0 / (1.0 + np.exp(-z))
        knots_x = np.asarray(self.parameters["x"], dtype="float64")
        knots_y = np.asarray(self.parameters["y"], dtype="float64")
        return np.interp(raw, knots_x, knots_y)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "parameters": self.parameters}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibrator:
        return cls(data["method"], data["parameters"])


def fit_calibrator(raw_scores: np.ndarray, labels: np.ndarray, method: str) -> Calibrator:
    raw = np.asarray(raw_scores, dtype="float64")
    y = np.asarray(labels, dtype="float64")
    if method == "platt":
        from sklearn.linear_model import LogisticRegression

        fit = LogisticRegression(C=1e6, max_iter=1000).fit(raw.reshape(-1, 1), y)
        return Calibrator("platt", {"slope": float(fit.coef_[0, 0]),
                                    "intercept": float(fit.intercept_[0])})
    if method == "isotonic":
        from sklearn.isotonic import IsotonicRegression

        fit = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, y)
        return Calibrator("isotonic", {"x": fit.X_thresholds_.tolist(),
                                       "y": fit.y_thresholds_.tolist()})
    raise ValueError(f"calibration method must be one of {METHODS}, got {method!r}")


def cross_fitted(
    raw_scores: np.ndarray, labels: np.ndarray, groups: np.ndarray, method: str, folds: int = 2
) -> np.ndarray:
    """Calibrated probabilities for rows whose calibrator never saw them.

    Rows are split by group (the customer), so a customer's other snapshots cannot inform its
    own calibration; the figures reported for the model come from these probabilities, while
    the stored calibrator is fitted on all held-out rows.
    """
    raw = np.asarray(raw_scores, dtype="float64")
    y = np.asarray(labels, dtype="float64")
    fold = fold_of(np.asarray(groups), folds)
    out = np.empty_like(raw)
    for k in range(folds):
        held = fold == k
        if held.all() or not held.any():
            raise ValueError("cross-fitted calibration needs rows from more than one customer")
        out[held] = fit_calibrator(raw[~held], y[~held], method).probabilities(raw[held])
    return out


def fold_of(groups: np.ndarray, folds: int) -> np.ndarray:
    """Each row's fold, from a hash of its group: the same customer always lands in the same
    fold, whatever the order or number of rows."""
    import pandas as pd

    hashed = pd.util.hash_array(groups.astype(str), categorize=True)
    return (hashed % np.uint64(folds)).astype(np.int64)
