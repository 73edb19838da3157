"""Everything that keeps the graph current without anyone pressing a button, assembled for
`graph.build_definitions`: the refresh condition on every derived asset, the landing, refresh,
quality and alert sensors, the schedules, the checks, and the executor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dagster as dg

from intel_assets.automation.alerts import alert_sensor
from intel_assets.automation.conditions import (
    code_server_automation_sensor,
    refresh_sensor,
    with_refresh_automation,
)
from intel_assets.automation.config import AutomationConfig, config_path, load_config
from intel_assets.automation.landing_sensor import DEFAULT_SETTLE_SECONDS, landing_sensor
from intel_assets.automation.quality_checks import (
    SUITE_RUN_TAGS,
    freshness_checks,
    insight_checks,
    mart_checks,
    raw_load_checks,
)
from intel_assets.automation.schedules import jobs_and_schedules
from intel_assets.automation.sinks import configured_sinks
from intel_assets.settings import Paths
from intel_assets.stack import Stack

QUALITY_SENSOR = "run_quality_checks"


@dataclass
class Automation:
    assets: list[dg.AssetsDefinition]
    checks: list[dg.AssetChecksDefinition]
    sensors: list[dg.SensorDefinition]
    schedules: list[dg.ScheduleDefinition]
    jobs: list[dg.UnresolvedAssetJobDefinition]
    executor: dg.ExecutorDefinition


def executor_for(config: AutomationConfig) -> dg.ExecutorDefinition:
    """In process by default: on two cores a process per step costs more than the step.
    `executor: multiprocess` in the automation settings gives each step its own process."""
    if config.executor == "multiprocess":
        return dg.multiprocess_executor
    return dg.in_process_executor


def automate(paths: Paths, stack: Stack, assets: Sequence[dg.AssetsDefinition]) -> Automation:
    config = load_config(config_path(paths.home))
    automated = with_refresh_automation(assets)
    fresh = freshness_checks(stack, config)
    suites = [*raw_load_checks(stack), *mart_checks(automated)]
    checks = [*suites, *fresh, *insight_checks(automated)]

    ride_along = {key.asset_key: [key] for check in fresh for key in check.check_keys}
    jobs, schedules = jobs_and_schedules(automated)
    sensors = [
        landing_sensor(stack, paths.landing, wait_seconds=DEFAULT_SETTLE_SECONDS,
                       ride_along=ride_along),
        refresh_sensor(automated),
        code_server_automation_sensor(
            QUALITY_SENSOR,
            target=dg.AssetSelection.checks(*suites, *fresh),
            default_status=dg.DefaultSensorStatus.RUNNING,
            minimum_interval_seconds=30,
            run_tags=SUITE_RUN_TAGS,
            description="Runs the data-quality suites after their assets change and the "
            "freshness checks hourly, queued behind any refresh.",
        ),
        alert_sensor(configured_sinks(config, paths.home)),
    ]
    return Automation(automated, checks, sensors, schedules, jobs, executor_for(config))
