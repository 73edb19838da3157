"""One insight run: every detector, false-discovery control, ranking, and the history.

The order matters for honesty. Control runs over every candidate every detector tested,
before anything is dropped; only then are the non-significant and non-reportable ones set
aside, near-duplicates merged and the rest ranked.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pandas as pd

from intel_assets.insights.candidate import Candidate, Detector
from intel_assets.insights.control import q_values, significant
from intel_assets.insights.history import RunRecord, record_run
from intel_assets.insights.ranking import Finding, rank_findings


@dataclass
class InsightRun:
    """What a run found and what it cost, for the asset's metadata and the CLI."""

    run: RunRecord
    findings: list[Finding]
    current: pd.DataFrame
    seconds_by_detector: dict[str, float] = field(default_factory=dict)

    @property
    def significant_by_family(self) -> dict[str, int]:
        return dict(Counter(f.candidate.family for f in self.findings))


def run_insights(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    run_at: datetime,
    detectors: Sequence[tuple[str, Detector]] | None = None,
) -> InsightRun:
    """Runs the given detectors, or every registered one (intel_assets.insights.detectors)."""
    if detectors is None:
        from intel_assets.insights.detectors import DETECTORS

        detectors = DETECTORS
    candidates, seconds = _detect_all(con, detectors)

    q = q_values([c.p_value for c in candidates])
    customers = _active_customers(con)
    findings = rank_findings(candidates, list(q), customers=customers)

    run = RunRecord(
        run_id=run_id,
        run_at=run_at,
        candidates_tested=len(candidates),
        significant=int(significant(q).sum()),
        tests_by_family=dict(Counter(c.family for c in candidates)),
    )
    current = record_run(con, run, findings)
    return InsightRun(run, findings, current, seconds)


def _detect_all(
    con: duckdb.DuckDBPyConnection, detectors: Sequence[tuple[str, Detector]]
) -> tuple[list[Candidate], dict[str, float]]:
    candidates: list[Candidate] = []
    seconds: dict[str, float] = {}
    for name, detect in detectors:
        started = time.perf_counter()
        candidates.extend(detect(con))
        seconds[name] = round(time.perf_counter() - started, 2)
    return candidates, seconds


def _active_customers(con: duckdb.DuckDBPyConnection) -> int:
    rows = con.execute(
        "select count(*) filter (where not is_churned) from marts.customers"
    ).fetchall()
    return int(rows[0][0] or 0)
