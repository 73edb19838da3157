"""Materializes the graph in this process, against the installation's Dagster instance, so
that runs started from the command line show up in the UI like any other."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from intel_assets.graph import build_definitions
from intel_assets.settings import ENV_DAGSTER_HOME, INSTANCE_TEMPLATE, Paths
from intel_assets.stack import Stack


@dataclass
class AssetSummary:
    key: str
    metadata: dict[str, Any]


@dataclass
class RunSummary:
    success: bool
    seconds: float
    assets: list[AssetSummary] = field(default_factory=list)
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    # A warning-severity check that did not pass: news for a person (a new high-severity
    # insight), not broken data, so it does not fail `intel demo`.
    checks_warned: list[str] = field(default_factory=list)
    run_id: str = ""


def prepare_instance(paths: Paths) -> dg.DagsterInstance:
    """The Dagster instance in the installation's home, with this project's settings."""
    paths.dagster_home.mkdir(parents=True, exist_ok=True)
    target = paths.dagster_home / "dagster.yaml"
    if not target.exists() or target.read_text() != INSTANCE_TEMPLATE.read_text():
        shutil.copyfile(INSTANCE_TEMPLATE, target)
    os.environ[ENV_DAGSTER_HOME] = str(paths.dagster_home)
    return dg.DagsterInstance.get()


def materialize_all(
    paths: Paths,
    stack: Stack,
    *,
    log_level: str = "WARNING",
    instance: dg.DagsterInstance | None = None,
) -> RunSummary:
    """Runs every asset and check once, in process; the run is stored in the instance (the
    installation's own unless one is given), its step logs readable in the UI whatever
    `log_level` the console shows."""
    definitions = build_definitions(paths, stack)
    instance = instance or prepare_instance(paths)
    started = time.perf_counter()
    job = definitions.resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(
        instance=instance,
        raise_on_error=False,
        tags={"intel/trigger": "cli"},
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
    )
    summary = RunSummary(
        success=result.success, seconds=time.perf_counter() - started, run_id=result.run_id
    )
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        summary.assets.append(
            AssetSummary(
                materialization.asset_key.to_user_string(),
                {k: v.value for k, v in materialization.metadata.items()},
            )
        )
    for event in result.get_asset_check_evaluations():
        name = f"{event.asset_key.to_user_string()}:{event.check_name}"
        if event.passed:
            summary.checks_passed += 1
        elif event.severity == dg.AssetCheckSeverity.WARN:
            summary.checks_warned.append(name)
        else:
            summary.checks_failed.append(name)
    return summary
