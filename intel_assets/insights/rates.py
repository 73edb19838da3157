"""Churn rates over time at risk, and the exact test of one rate against another.

Customers are watched for different lengths of time, so churn is compared as events per
day at risk. Under the null of equal rates, and given the total number of churn events of
the two groups, the first group's count is binomial with the first group's share of the
exposure: an exact one-sided test with no large-sample approximation, vectorised so a
search over thousands of segments costs one call.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import binom

HORIZON_DAYS = 90


def rate_greater_p(
    events: np.ndarray, exposure: np.ndarray, ref_events: np.ndarray, ref_exposure: np.ndarray
) -> np.ndarray:
    """P-value that the first rate exceeds the reference rate (one-sided, exact)."""
    events = np.asarray(events, dtype=float)
    ref_events = np.asarray(ref_events, dtype=float)
    exposure = np.asarray(exposure, dtype=float)
    ref_exposure = np.asarray(ref_exposure, dtype=float)
    total = events + ref_events
    share = np.divide(exposure, exposure + ref_exposure,
                      out=np.zeros_like(exposure), where=(exposure + ref_exposure) > 0)
    p = binom.sf(events - 1, total, share)
    return np.where((total > 0) & (exposure > 0) & (ref_exposure > 0), np.clip(p, 0, 1), 1.0)


def rate(events: np.ndarray | float, exposure: np.ndarray | float) -> np.ndarray:
    events = np.asarray(events, dtype=float)
    exposure = np.asarray(exposure, dtype=float)
    return np.divide(events, exposure, out=np.zeros_like(events), where=exposure > 0)


def churn_within(daily_rate: np.ndarray | float, days: int = HORIZON_DAYS) -> np.ndarray:
    """The chance of churning within `days` at a constant daily rate."""
    return 1.0 - np.exp(-np.asarray(daily_rate, dtype=float) * days)
