"""Small helpers for talking to the DuckDB warehouse file."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb


def first_row(
    con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None
) -> tuple[Any, ...]:
    """Runs a query expected to give one row and drains it.

    DuckDB refuses further work on a connection whose last result was only partly fetched,
    so `fetchone()` is never used on a shared connection.
    """
    rows = con.execute(sql, params or []).fetchall()
    if not rows:
        raise LookupError(f"query returned no row: {sql.strip()[:120]}")
    return rows[0]


@contextmanager
def connect(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """Opens the warehouse and always closes it: DuckDB allows one process per file, so a
    connection left open blocks dbt and every other run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        con.execute("SET TimeZone = 'UTC'")
        yield con
    finally:
        con.close()
