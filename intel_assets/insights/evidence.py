"""Evidence values as the insight store can keep them (plain numbers, NaN as missing), and
as a narrative shows them."""

from __future__ import annotations

import math
from typing import Any


def json_safe(evidence: dict[str, Any]) -> dict[str, Any]:
    """NaN and infinities become None (JSON has neither); numpy scalars become Python's.

    A ratio with nothing to divide by is missing, not a number, and a store or a UI that
    meets NaN in JSON either fails or shows garbage.
    """
    safe = {}
    for key, value in evidence.items():
        if hasattr(value, "item"):
            value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        safe[key] = value
    return safe


def percent(share: float) -> str:
    """A share as a whole percentage; "n/a" where there was nothing to divide by."""
    return "n/a" if not math.isfinite(share) else f"{100 * share:.0f}%"
