"""The insights as people read them: a Markdown table for the UI, lines for a terminal."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

TABLE_COLUMNS = ("rank", "severity", "status", "family", "title", "customers_affected",
                 "mrr_affected", "q_value")


def current_insights(frame: pd.DataFrame, *, limit: int | None = None,
                     include_resolved: bool = True) -> pd.DataFrame:
    """Ranked insights first, then (optionally) the ones that resolved in this run."""
    open_rows = frame[frame["status"] != "resolved"].sort_values("rank")
    if limit is not None:
        open_rows = open_rows.head(limit)
    if not include_resolved:
        return open_rows
    return pd.concat([open_rows, frame[frame["status"] == "resolved"]], ignore_index=True)


def markdown_table(frame: pd.DataFrame, *, limit: int = 10) -> str:
    rows = current_insights(frame, limit=limit, include_resolved=False)
    if rows.empty:
        return "No insight is significant after false-discovery control in this run."
    header = ("| # | severity | status | family | insight | customers | MRR | q |\n"
              "|---|---|---|---|---|---:|---:|---:|")
    lines = [
        f"| {int(r.rank)} | {r.severity} | {r.status} | {r.family} | "
        f"{_cell(r.title)} | {int(r.customers_affected):,} | {r.mrr_affected:,.0f} | "
        f"{r.q_value:.1e} |"
        for r in rows.itertuples(index=False)
    ]
    return "\n".join([header, *lines])


def printed(frame: pd.DataFrame, *, limit: int = 10) -> str:
    """The terminal form: one block per insight, the narrative under its title."""
    rows = current_insights(frame, limit=limit)
    if rows.empty:
        return "No insight is significant after false-discovery control."
    blocks = []
    for r in rows.itertuples(index=False):
        if r.status == "resolved":
            blocks.append(f"  resolved  {r.family}: {r.title}")
            continue
        blocks.append(
            f"{int(r.rank):>2}. [{r.severity}, {r.status}] {r.family}: {r.title}\n"
            f"    {r.narrative}\n"
            f"    sources: {r.sources}; n = {int(r.sample_size):,} against "
            f"{int(r.baseline_size):,}; q = {r.q_value:.1e}; "
            f"{int(r.customers_affected):,} customers, MRR {r.mrr_affected:,.0f}\n"
            f"    next: {r.next_step}"
        )
    return "\n".join(blocks)


def as_records(frame: pd.DataFrame, *, limit: int | None = None) -> list[dict[str, Any]]:
    """JSON-ready rows, with segment, metrics and evidence parsed back into structures."""
    records = []
    for row in current_insights(frame, limit=limit).to_dict("records"):
        for name in ("segment", "metrics", "evidence"):
            row[name] = json.loads(row[name]) if isinstance(row[name], str) else row[name]
        for name, value in list(row.items()):
            if isinstance(value, pd.Timestamp):
                row[name] = value.isoformat()
            elif value is not None and not isinstance(value, list | dict | str) \
                    and pd.isna(value):
                row[name] = None
        records.append(row)
    return records


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
