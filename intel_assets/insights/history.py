"""Every run's insights in DuckDB, and the status each has against the run before.

An insight's key comes from its family, segment and metrics, never from its numbers, so the
same finding in two runs is one insight with a history. Against the previous run an insight
is new (absent from it, or resolved there), worsening or improving (its harm moved by more
than CHANGE_TOLERANCE of its previous size), or persisting; an insight of the previous run
that this run no longer finds is stored once more as resolved, so `insights.current` says
what went away as well as what is there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from intel_assets.insights.ranking import Finding

CHANGE_TOLERANCE = 0.10
STATUSES = ("new", "persisting", "worsening", "improving", "resolved")

COLUMNS = (
    ("run_id", "varchar"), ("run_at", "timestamp"), ("key", "varchar"),
    ("family", "varchar"), ("title", "varchar"), ("narrative", "varchar"),
    ("sources", "varchar"), ("sample_size", "bigint"), ("baseline_size", "bigint"),
    ("effect_size", "double"), ("p_value", "double"), ("q_value", "double"),
    ("customers_affected", "bigint"), ("mrr_affected", "double"), ("next_step", "varchar"),
    ("segment", "varchar"), ("metrics", "varchar"), ("evidence", "varchar"),
    ("rank", "integer"), ("score", "double"), ("status", "varchar"), ("severity", "varchar"),
    ("first_seen_at", "timestamp"), ("last_seen_at", "timestamp"),
)
RUN_COLUMNS = (
    ("run_id", "varchar"), ("run_at", "timestamp"), ("candidates_tested", "bigint"),
    ("significant", "bigint"), ("kept", "bigint"), ("tests_by_family", "varchar"),
)


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    run_at: datetime
    candidates_tested: int
    significant: int
    tests_by_family: dict[str, int]


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists insights")
    con.execute(f"create table if not exists insights.runs ({_ddl(RUN_COLUMNS)})")
    con.execute(f"create table if not exists insights.history ({_ddl(COLUMNS)})")


def record_run(
    con: duckdb.DuckDBPyConnection, run: RunRecord, findings: list[Finding]
) -> pd.DataFrame:
    """Stores the run and its insights with their statuses; returns `insights.current`.

    Storing the same run id again replaces that run, so a retried step leaves one copy.
    """
    ensure_tables(con)
    con.execute("delete from insights.history where run_id = ?", [run.run_id])
    con.execute("delete from insights.runs where run_id = ?", [run.run_id])
    previous = _previous_insights(con, run.run_at)

    rows = [_row(run, f, previous.get(f.key)) for f in findings]
    found = {row["key"] for row in rows}
    rows += [_resolved(run, old) for key, old in previous.items() if key not in found]
    current = pd.DataFrame(rows, columns=[name for name, _ in COLUMNS])

    _insert(con, "insights.history", current, COLUMNS)
    runs = pd.DataFrame([{
        "run_id": run.run_id, "run_at": run.run_at,
        "candidates_tested": run.candidates_tested, "significant": run.significant,
        "kept": len(findings), "tests_by_family": json.dumps(run.tests_by_family),
    }])
    _insert(con, "insights.runs", runs, RUN_COLUMNS)
    con.execute(
        "create or replace table insights.current as "
        "select * from insights.history where run_id = ? order by rank nulls last, key",
        [run.run_id],
    )
    return current


def _previous_insights(
    con: duckdb.DuckDBPyConnection, run_at: datetime
) -> dict[str, dict[str, Any]]:
    """The insights still open after the latest run before this one."""
    latest = con.execute(
        "select run_id from insights.runs where run_at <= ? order by run_at desc limit 1",
        [run_at],
    ).fetchall()
    if not latest:
        return {}
    frame = con.execute(
        "select * from insights.history where run_id = ? and status <> 'resolved'",
        [latest[0][0]],
    ).df()
    return {row["key"]: row for row in frame.to_dict("records")}


def _row(run: RunRecord, finding: Finding, before: dict[str, Any] | None) -> dict[str, Any]:
    c = finding.candidate
    evidence = {**c.evidence, "detector_severity": c.severity_score}
    if finding.also_found_by:
        evidence["also_found_by"] = finding.also_found_by
    if finding.suppressed:
        evidence["suppressed_keys"] = finding.suppressed
    return {
        "run_id": run.run_id, "run_at": run.run_at, "key": c.key, "family": c.family,
        "title": c.title, "narrative": c.narrative, "sources": ", ".join(c.sources),
        "sample_size": c.sample_size, "baseline_size": c.baseline_size,
        "effect_size": c.effect_size, "p_value": c.p_value, "q_value": finding.q_value,
        "customers_affected": c.customers_affected, "mrr_affected": c.mrr_affected,
        "next_step": c.next_step, "segment": c.segment_json(),
        "metrics": json.dumps(list(c.metrics)),
        "evidence": json.dumps(evidence, sort_keys=True, default=str),
        "rank": finding.rank, "score": finding.score,
        "status": status_against(c.effect_size, before),
        "severity": finding.severity,
        "first_seen_at": before["first_seen_at"] if before else run.run_at,
        "last_seen_at": run.run_at,
    }


def status_against(effect_size: float, before: dict[str, Any] | None) -> str:
    """New, or how the harm moved since the previous run."""
    if before is None:
        return "new"
    previous = float(before["effect_size"])
    tolerance = CHANGE_TOLERANCE * abs(previous)
    if effect_size > previous + tolerance:
        return "worsening"
    if effect_size < previous - tolerance:
        return "improving"
    return "persisting"


def _resolved(run: RunRecord, old: dict[str, Any]) -> dict[str, Any]:
    row = {name: old.get(name) for name, _ in COLUMNS}
    row.update(run_id=run.run_id, run_at=run.run_at, status="resolved", rank=None)
    return row


def _insert(
    con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame,
    columns: tuple[tuple[str, str], ...],
) -> None:
    if frame.empty:
        return
    names = ", ".join(name for name, _ in columns)
    casts = ", ".join(f"cast({name} as {kind}) as {name}" for name, kind in columns)
    con.register("insight_rows", frame)
    try:
        con.execute(f"insert into {table} ({names}) select {casts} from insight_rows")
    finally:
        con.unregister("insight_rows")


def _ddl(columns: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{name} {kind}" for name, kind in columns)
