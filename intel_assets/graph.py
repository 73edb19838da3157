"""The whole asset graph for a stack and a set of paths, with its resources."""

from __future__ import annotations

import dagster as dg

from intel_assets.automation.wiring import automate
from intel_assets.insights.assets import insights
from intel_assets.model.assets import MODEL_ASSETS
from intel_assets.model.checks import MODEL_CHECKS
from intel_assets.model.resources import ModelFolder
from intel_assets.resources import Landing, Warehouse
from intel_assets.settings import Paths
from intel_assets.sources.assets import raw_assets
from intel_assets.stack import Stack
from intel_assets.transform.dbt_project import dbt_asset_definitions, dbt_resource
from intel_assets.transform.identity_assets import identity_map_asset


def build_definitions(paths: Paths, stack: Stack) -> dg.Definitions:
    assets = [
        *raw_assets(stack, paths.landing),
        *dbt_asset_definitions(paths, stack),
        identity_map_asset(consumer=stack.is_consumer),
        *MODEL_ASSETS,
        insights,
    ]
    automation = automate(paths, stack, assets)
    return dg.Definitions(
        assets=automation.assets,
        asset_checks=[*automation.checks, *MODEL_CHECKS],
        sensors=automation.sensors,
        schedules=automation.schedules,
        jobs=automation.jobs,
        executor=automation.executor,
        resources={
            "warehouse": Warehouse(path=str(paths.warehouse)),
            "landing": Landing(root=str(paths.landing)),
            "dbt": dbt_resource(),
            "model_store": ModelFolder(root=str(paths.models)),
        },
    )
