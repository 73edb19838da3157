"""False-discovery control across every candidate of a run (Benjamini-Hochberg).

Testing each of thousands of segments at p < 0.05 guarantees dozens of false findings; BH
keeps the expected share of false findings among those claimed below ALPHA, provided it
sees every test the run made, the ones that looked dull included.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from statsmodels.stats.multitest import multipletests

ALPHA = 0.05


def q_values(p_values: Sequence[float]) -> np.ndarray:
    """BH-adjusted p-values, in the order given; empty in, empty out."""
    p = np.asarray(p_values, dtype=float)
    if p.size == 0:
        return p
    if np.isnan(p).any():
        raise ValueError("a candidate's p-value is NaN: every tested candidate needs a p-value")
    return multipletests(p, alpha=ALPHA, method="fdr_bh")[1]


def significant(q: np.ndarray, alpha: float = ALPHA) -> np.ndarray:
    return np.asarray(q) < alpha
