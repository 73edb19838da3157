"""`intel insights` prints what the last insight run stored in the warehouse."""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
from click.testing import CliRunner

from intel_assets.cli import main
from intel_assets.insights.engine import run_insights
from intel_assets.insights.invisible_cohort import detect
from intel_assets_tests.conftest import SEEDS
from intel_assets_tests.insight_helpers import customers_frame, write_customer_marts
from intel_assets_tests.test_insight_invisible_cohort import _simpson


def _home_with_insights(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    try:
        write_customer_marts(con, customers_frame(SEEDS[0], 2000, _simpson))
        run_insights(con, run_id="r1", run_at=datetime(2026, 12, 1),
                     detectors=[("invisible_cohort", detect)])
    finally:
        con.close()
    return home


def test_insights_prints_the_ranked_findings_with_their_narrative(tmp_path):
    home = _home_with_insights(tmp_path)

    result = CliRunner().invoke(main, ["insights", "--limit", "3"],
                                env={"INTEL_HOME": str(home)})

    assert result.exit_code == 0, result.output
    assert " 1. [high, new] invisible_cohort: Customers with plan = starter" in result.output
    assert "sources: billing, support" in result.output


def test_insights_json_carries_the_structured_segment(tmp_path):
    home = _home_with_insights(tmp_path)

    result = CliRunner().invoke(main, ["insights", "--json"], env={"INTEL_HOME": str(home)})

    assert result.exit_code == 0, result.output
    first = json.loads(result.output)[0]
    assert {(c["attribute"], c["value"]) for c in first["segment"]} == {
        ("plan", "starter"), ("has_onboarding_ticket", True)}
    assert first["q_value"] < 0.05 and first["status"] == "new"


def test_insights_without_a_warehouse_says_what_to_run(tmp_path):
    result = CliRunner().invoke(main, ["insights"], env={"INTEL_HOME": str(tmp_path)})

    assert result.exit_code == 2
    assert "run `intel demo` or `intel materialize` first" in result.output
