"""Reading `intel demo`'s printed summary in the tests that run it."""

from __future__ import annotations

import re

COUNTS = re.compile(r"(\d+) checks: (\d+) passed, (\d+) failed, (\d+) warned")


def check_counts(stdout: str) -> tuple[int, int, int, int]:
    """(total, passed, failed, warned) from the summary line."""
    found = COUNTS.search(stdout)
    assert found, stdout[-3000:]
    total, passed, failed, warned = (int(n) for n in found.groups())
    return total, passed, failed, warned
