"""Weekly series and the change-point test the time-based detectors share.

A single shift in the mean of a series is found and tested with the CUSUM of its deviations
from the overall mean: the partial sum peaks where the level moves, and once scaled by the
series' long-run standard deviation its supremum follows a Brownian bridge when nothing
moves. The long-run variance is a Newey-West (Bartlett kernel) estimate from statsmodels on
the residuals of the two-level fit, so that week-to-week dependence in the counts does not
pass for a shift. The test is one-sided: a detector asks only about the harmful direction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm

WEEK_DAYS = 7


@dataclass(frozen=True)
class ChangePoint:
    """The most likely single shift of a series in one direction, with its test."""

    index: int  # position of the first observation after the shift
    before: float
    after: float
    statistic: float
    p_value: float

    @property
    def shift(self) -> float:
        return self.after - self.before


def change_point(values: np.ndarray, direction: int, *, min_segment: int = 3) -> ChangePoint:
    """Tests for one shift of the series' level in `direction` (+1 up, -1 down).

    The p-value is the Brownian-bridge tail exp(-2 x^2) of the scaled one-sided CUSUM; a
    series too short to hold two segments of `min_segment` observations gets p = 1.
    """
    y = np.asarray(values, dtype=float)
    n = len(y)
    if n < 2 * min_segment or direction not in (1, -1):
        return ChangePoint(0, math.nan, math.nan, 0.0, 1.0)

    partial = np.cumsum(y - y.mean())[:-1]
    allowed = partial[min_segment - 1 : n - min_segment]
    # A rise leaves the early part below the mean, so its partial sums go negative.
    oriented = -direction * allowed
    split = int(np.argmax(oriented)) + min_segment
    statistic = float(oriented.max())

    before, after = float(y[:split].mean()), float(y[split:].mean())
    residuals = np.concatenate([y[:split] - before, y[split:] - after])
    sigma = math.sqrt(long_run_variance(residuals))
    if statistic <= 0 or sigma <= 0:
        return ChangePoint(split, before, after, 0.0, 1.0)

    scaled = statistic / (sigma * math.sqrt(n))
    return ChangePoint(split, before, after, scaled, min(1.0, math.exp(-2.0 * scaled**2)))


def long_run_variance(residuals: np.ndarray) -> float:
    """Newey-West variance of the mean times n, with the usual automatic bandwidth."""
    n = len(residuals)
    lags = max(1, int(4 * (n / 100.0) ** (2.0 / 9.0)))
    fit = sm.OLS(residuals, np.ones(n)).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    return float(fit.bse[0] ** 2 * n)


def log_rate_ratio(
    counts: np.ndarray, exposure: np.ndarray, other_counts: np.ndarray,
    other_exposure: np.ndarray,
) -> np.ndarray:
    """Per week, log of a segment's rate over the rest's, with half a count of smoothing.

    Dividing by the rest of the customers removes what moves everyone at once (growth,
    seasons, a tracking change), so what remains is the segment's own movement.
    """
    own = np.log((counts + 0.5) / np.maximum(exposure, 1.0))
    rest = np.log((other_counts + 0.5) / np.maximum(other_exposure, 1.0))
    return own - rest
