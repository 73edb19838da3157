"""Ten sources refreshing at once, through the real daemon and run queue with the project's
`dagster.yaml`: ten runs, each writing the DuckDB file, all succeed, one after another."""

from __future__ import annotations

import shutil
import sys
from itertools import pairwise
from pathlib import Path

import duckdb
import pytest

from intel_assets.automation.ui_process import (
    free_port,
    launch_assets,
    start_dagster,
    wait_for_runs,
)
from intel_assets.settings import INSTANCE_TEMPLATE
from intel_assets_tests.burst_location import SOURCES, source_key

pytestmark = pytest.mark.slow


def test_ten_simultaneous_warehouse_runs_all_succeed_one_at_a_time(tmp_path: Path):
    home = tmp_path / "dagster"
    home.mkdir()
    shutil.copyfile(INSTANCE_TEMPLATE, home / "dagster.yaml")
    warehouse = tmp_path / "warehouse.duckdb"
    port = free_port()
    dagster = str(Path(sys.executable).with_name("dagster"))
    ui = start_dagster(
        [dagster, "dev", "-h", "127.0.0.1", "-p", str(port), "-m",
         "intel_assets_tests.burst_location"],
        port=port, log_path=tmp_path / "dagster.log",
        env={"DAGSTER_HOME": str(home), "INTEL_BURST_WAREHOUSE": str(warehouse)},
    )
    try:
        run_ids = [launch_assets(ui, [source_key(i).path]) for i in range(SOURCES)]
        runs = wait_for_runs(ui, run_ids, timeout=300)
    finally:
        ui.stop()

    assert [r["status"] for r in runs.values()] == ["SUCCESS"] * SOURCES
    with duckdb.connect(str(warehouse), read_only=True) as con:
        loads = con.execute("SELECT started, ended FROM loads ORDER BY started").fetchall()
    assert len(loads) == SOURCES
    assert all(end <= next_start for (_, end), (next_start, _) in pairwise(loads))
