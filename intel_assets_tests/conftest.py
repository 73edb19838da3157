"""Shared fixtures: a small demo world per seed, and a real DuckDB file per test."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

os.environ.setdefault("DAGSTER_TELEMETRY_DISABLED", "1")

from intel_assets.demo.exports.base import ExportContext
from intel_assets.demo.exports.registry import exporter
from intel_assets.demo.world import (
    Company,
    DemoConfig,
    WorldChunk,
    build_company,
    simulate_chunk,
)
from intel_assets.sources.catalog import tool_objects
from intel_assets.sources.loader import LoadReport, load_object

SEEDS = (3, 11)
SMALL_DEMO = 400
_OWN_BASETEMP = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """Each run gets its own temporary root unless `--basetemp` names one.

    pytest's default root is shared by every run of one user and keeps only the newest few
    runs, so two runs on one machine (CI beside a developer) delete each other's demo homes
    mid-test. A run that passes (or collects nothing) removes its root; a failing one leaves
    it for inspection.
    """
    if config.option.basetemp is None:
        root = Path(tempfile.mkdtemp(prefix="intel-assets-tests-"))
        config.option.basetemp = str(root)
        config.stash[_OWN_BASETEMP] = root


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    root = session.config.stash.get(_OWN_BASETEMP, None)
    if root is not None and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class SmallWorld:
    company: Company
    world: WorldChunk


_WORLDS: dict[tuple[int, bool, bool], SmallWorld] = {}


def small_world(seed: int, *, null: bool = False, consumer: bool = False) -> SmallWorld:
    """A 400-account company, simulated once per (seed, mode) for the whole test session."""
    key = (seed, null, consumer)
    if key not in _WORLDS:
        config = DemoConfig(customers=SMALL_DEMO, seed=seed, null=null, consumer=consumer)
        company = build_company(config)
        _WORLDS[key] = SmallWorld(company, simulate_chunk(company, 0, 0, SMALL_DEMO))
    return _WORLDS[key]


@dataclass
class ExportedTool:
    folder: Path
    identities: pd.DataFrame
    reports: dict[str, LoadReport]
    con: duckdb.DuckDBPyConnection

    def table(self, name: str) -> pd.DataFrame:
        return self.con.execute(f'SELECT * FROM raw."{name}"').df()


def export_tool(tool: str, small: SmallWorld, root: Path) -> tuple[Path, pd.DataFrame]:
    """Writes one tool's files for a small world; returns its folder and answer-key rows."""
    folder = root / tool
    ctx = ExportContext(company=small.company, folder=folder, chunk=0, tool=tool)
    module = exporter(tool)
    if hasattr(module, "export_company"):
        identities = module.export_company(small.company, ctx)
    else:
        identities = module.export(small.world, ctx)
    return folder, identities


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("SET TimeZone = 'UTC'")
    yield con
    con.close()


@pytest.fixture
def exported(tmp_path: Path, warehouse: duckdb.DuckDBPyConnection):
    """Call with (tool, seed): exports the tool's files and loads every raw object."""

    def run(tool: str, seed: int, **mode: bool) -> ExportedTool:
        small = small_world(seed, **mode)
        folder, identities = export_tool(tool, small, tmp_path / "landing")
        reports = {
            obj.name: load_object(warehouse, obj, folder) for obj in tool_objects(tool)
        }
        return ExportedTool(folder, identities, reports, warehouse)

    return run
