"""The quality checks on real data: a Great Expectations suite passes on a clean raw load and
names what broke on a bad one; freshness reads the event log; the insight check warns on a
new high-severity insight; a suite is due again only after its asset changes."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from intel_assets.automation.config import AutomationConfig
from intel_assets.automation.expectations import mart_suite, raw_suite, run_suite
from intel_assets.automation.quality_checks import (
    CheckBehindAssetCondition,
    freshness_checks,
    last_new_file_load,
    new_insight_result,
)
from intel_assets.sources.catalog import tool_objects
from intel_assets.stack import parse_stack
from intel_assets_tests.conftest import SEEDS


@pytest.mark.parametrize("seed", SEEDS)
def test_a_clean_raw_load_meets_its_suite(exported, seed):
    tool = exported("survey", seed)
    obj = tool_objects("survey")[0]

    outcome = run_suite(raw_suite(obj), tool.table(obj.table))

    assert outcome.passed, outcome.failures
    assert outcome.evaluated >= 5 and outcome.dropped == []


def test_a_broken_load_fails_its_suite_naming_each_broken_expectation(exported):
    tool = exported("survey", SEEDS[0])
    obj = tool_objects("survey")[0]
    rows = tool.table(obj.table)
    score = next(c.name for c in obj.columns if c.maximum is not None)
    broken = pd.concat([rows, rows.head(1)], ignore_index=True)
    broken.loc[0, score] = 99
    broken = broken.assign(unexpected_column=1)

    outcome = run_suite(raw_suite(obj), broken)

    failed = " ".join(outcome.failures)
    assert not outcome.passed
    assert "expect_compound_columns_to_be_unique" in failed
    assert f"expect_column_values_to_be_between {{'column': '{score}'" in failed
    assert "expect_table_columns_to_match_set" in failed


def test_a_mart_suite_reports_expectations_on_missing_columns_as_not_evaluated():
    rows = pd.DataFrame({"customer_id": ["c1", "c2"], "account_name": ["A", "B"],
                         "people": [1, 2], "mrr": [10.0, 0.0], "is_churned": [False, True],
                         "tenure_days": [3, 400]})

    outcome = run_suite(mart_suite("customers"), rows)

    assert outcome.passed, outcome.failures
    assert "between email_open_rate" in outcome.dropped


def test_a_new_high_severity_insight_is_a_warning_and_none_passes():
    found = new_insight_result(pd.DataFrame({"title": ["Paid social churns 3x"],
                                             "status": ["new"], "severity": ["high"]}))
    quiet = new_insight_result(pd.DataFrame({"title": [], "status": [], "severity": []}))

    assert not found.passed and found.severity == dg.AssetCheckSeverity.WARN
    assert found.metadata["new_high_severity"].value == 1
    assert "Paid social churns 3x" in found.metadata["titles"].value
    assert quiet.passed
    baseline = new_insight_result(pd.DataFrame({"title": ["x"], "status": ["new"],
                                                "severity": ["high"]}), first_run=True)
    assert baseline.passed and baseline.metadata["baseline_run"].value is True


def test_freshness_counts_only_loads_that_brought_a_new_file(tmp_path: Path):
    key = dg.AssetKey(["raw", "stripe", "invoices"])
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        instance.report_runless_asset_event(
            dg.AssetMaterialization(asset_key=key, metadata={"files_loaded": 2}))
        loaded = last_new_file_load(instance, key)
        instance.report_runless_asset_event(
            dg.AssetMaterialization(asset_key=key, metadata={"files_loaded": 0}))

        assert loaded is not None
        assert last_new_file_load(instance, key) == loaded
        assert last_new_file_load(instance, dg.AssetKey(["raw", "survey", "x"])) is None


def test_a_suite_is_due_again_only_after_its_asset_changes(tmp_path: Path):
    condition = CheckBehindAssetCondition()

    @dg.asset(key=["marts", "customers"])
    def customers() -> None: ...

    @dg.asset_check(asset=customers, name="mart_meets_expectations",
                    automation_condition=condition)
    def suite() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True)

    defs = [customers, suite]
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        dg.materialize(defs, instance=instance)
        together = dg.evaluate_automation_conditions(defs=defs, instance=instance)
        dg.materialize([customers], instance=instance, selection=[customers.key])
        changed = dg.evaluate_automation_conditions(defs=defs, instance=instance,
                                                    cursor=together.cursor)

    assert together.total_requested == 0
    assert changed.total_requested == 1


@pytest.mark.parametrize("accounts", ["business", "consumer"])
def test_a_consumer_stack_has_no_freshness_check_on_companies_or_deals(accounts):
    stack = parse_stack({"crm": "salesforce", "support": "intercom", "accounts": accounts})

    checked = {tuple(key.asset_key.path) for check in freshness_checks(stack, AutomationConfig())
               for key in check.check_keys}

    business_only = {("raw", "salesforce", "accounts"), ("raw", "salesforce", "opportunities"),
                     ("raw", "intercom", "companies")}
    people = {("raw", "salesforce", "contacts"), ("raw", "intercom", "contacts")}
    assert people <= checked
    assert (business_only <= checked) == (accounts == "business")
    assert business_only.isdisjoint(checked) == (accounts == "consumer")
