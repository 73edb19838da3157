"""The whole asset graph for a stack and a set of paths, with its resources."""

from __future__ import annotations

import dagster as dg

from intel_assets.resources import Landing, Warehouse
from intel_assets.settings import Paths
from intel_assets.sources.assets import raw_assets
from intel_assets.stack import Stack
from intel_assets.transform.dbt_project import dbt_asset_definitions, dbt_resource
from intel_assets.transform.identity_assets import identity_map


def build_definitions(paths: Paths, stack: Stack) -> dg.Definitions:
    assets = [
        *raw_assets(stack, paths.landing),
        *dbt_asset_definitions(paths, stack),
        identity_map,
    ]
    return dg.Definitions(
        assets=assets,
        resources={
            "warehouse": Warehouse(path=str(paths.warehouse)),
            "landing": Landing(root=str(paths.landing)),
            "dbt": dbt_resource(),
        },
    )
