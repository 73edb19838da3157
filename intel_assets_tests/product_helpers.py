"""Helpers the product-analytics source tests share: a cached export-and-load per tool and
seed (exports of a million-event tool are the slow part of these tests), the event-name
seed, and the world's events in comparable form."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd

from intel_assets.demo.exports.base import ExportContext
from intel_assets.demo.exports.registry import exporter
from intel_assets.demo.world import DemoConfig, build_company, chunk_bounds, simulate_chunk
from intel_assets.sources.catalog import tool_objects
from intel_assets.sources.loader import load_object
from intel_assets_tests.conftest import ExportedTool, export_tool, small_world

SEED_FILE = Path(__file__).resolve().parents[1] / "dbt" / "seeds" / "product_event_names.csv"


class ExportCache:
    """One export and load per (tool, seed) for a test module."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.results: dict[tuple[str, int], ExportedTool] = {}

    def __call__(self, tool: str, seed: int) -> ExportedTool:
        key = (tool, seed)
        if key not in self.results:
            folder, identities = export_tool(tool, small_world(seed), self.root / str(seed))
            con = duckdb.connect(str(self.root / f"{tool}_{seed}.duckdb"))
            con.execute("SET TimeZone = 'UTC'")
            reports = {obj.name: load_object(con, obj, folder) for obj in tool_objects(tool)}
            self.results[key] = ExportedTool(folder, identities, reports, con)
        return self.results[key]

    def close(self) -> None:
        for result in self.results.values():
            result.con.close()


def event_names(tool: str) -> dict[str, str]:
    """native name -> neutral event, from the dbt seed staging maps names with."""
    with SEED_FILE.open(newline="") as handle:
        return {row["native_name"]: row["event"] for row in csv.DictReader(handle)
                if row["tool"] == tool}


def world_event_times(seed: int, events: tuple[str, ...] | None = None) -> Counter:
    """(neutral event, time) pairs of the world's product events, as a multiset."""
    world = small_world(seed).world.product_events
    if events is not None:
        world = world[world["event"].isin(events)]
    return Counter(zip(world["event"], pd.to_datetime(world["time"]), strict=True))


def raw_event_times(names: pd.Series, times: pd.Series, tool: str) -> Counter:
    neutral = names.map(event_names(tool))
    assert neutral.notna().all(), set(names[neutral.isna()])
    return Counter(zip(neutral, pd.to_datetime(times), strict=True))


def identifiers(result: ExportedTool, kind: str) -> pd.DataFrame:
    keyed = result.identities[result.identities["kind"] == kind]
    assert keyed["identifier"].is_unique, f"{kind} rows repeat an identifier"
    return keyed.set_index("identifier")


def two_chunks(tool: str, root: Path) -> tuple[Path, duckdb.DuckDBPyConnection, int]:
    """A 240-account company exported as two chunks into one landing folder and loaded;
    returns the folder, the warehouse and the world's event count."""
    config = DemoConfig(customers=240, seed=5, chunk_size=120)
    company = build_company(config)
    folder = root / tool
    events = 0
    for chunk, (lo, hi) in enumerate(chunk_bounds(config)):
        world = simulate_chunk(company, chunk, lo, hi)
        events += len(world.product_events)
        exporter(tool).export(world, ExportContext(company, folder, chunk, tool))
    con = duckdb.connect(str(root / f"{tool}_chunks.duckdb"))
    con.execute("SET TimeZone = 'UTC'")
    for obj in tool_objects(tool):
        report = load_object(con, obj, folder)
        assert report.rows_quarantined == 0 and not report.unreadable
    return folder, con, events
