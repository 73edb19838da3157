"""The insights asset's place in the graph: the last step, after the marts and the scores."""

from __future__ import annotations

import dagster as dg

from intel_assets.graph import build_definitions
from intel_assets.insights.assets import INSIGHTS
from intel_assets.insights.detectors import DETECTORS
from intel_assets.resources import WAREHOUSE_POOL
from intel_assets.settings import resolve_paths
from intel_assets.stack import load_stack


def test_insights_read_the_marts_and_the_churn_scores(tmp_path):
    paths = resolve_paths({"INTEL_HOME": str(tmp_path / "home")})
    graph = build_definitions(paths, load_stack(None)).resolve_asset_graph()

    node = graph.get(INSIGHTS)
    parents = {key.to_user_string() for key in node.parent_keys}
    assert parents >= {"marts/customers", "marts/customer_snapshots",
                       "marts/channel_performance", "model/churn_scores"}
    assert all(graph.has(dg.AssetKey.from_user_string(p)) for p in parents)
    assert node.group_name == "insights"
    assert node.pools == {WAREHOUSE_POOL}


def test_every_family_has_its_detector():
    assert [name for name, _ in DETECTORS] == [
        "wrong_signal", "invisible_cohort", "leading_indicator", "contradiction", "anomaly"]
