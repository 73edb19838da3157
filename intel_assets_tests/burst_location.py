"""A code location of ten warehouse writers, one per source, for the burst test: each run
holds the DuckDB file open for a second, so two runs at once fail on DuckDB's lock."""

from __future__ import annotations

import os
import time

import dagster as dg
import duckdb

from intel_assets.resources import WAREHOUSE_POOL

SOURCES = 10
WAREHOUSE = os.environ.get("INTEL_BURST_WAREHOUSE", "burst.duckdb")


def source_key(index: int) -> dg.AssetKey:
    return dg.AssetKey(["raw", f"source_{index:02d}", "export"])


def _writer(index: int) -> dg.AssetsDefinition:
    @dg.asset(key=source_key(index), pool=WAREHOUSE_POOL)
    def _load() -> None:
        con = duckdb.connect(WAREHOUSE)
        try:
            con.execute("CREATE TABLE IF NOT EXISTS loads (source INT, started DOUBLE, "
                        "ended DOUBLE)")
            started = time.time()
            time.sleep(1.0)
            con.execute("INSERT INTO loads VALUES (?, ?, ?)", [index, started, time.time()])
        finally:
            con.close()

    return _load


defs = dg.Definitions(assets=[_writer(i) for i in range(SOURCES)],
                      executor=dg.in_process_executor)
