"""A raw load's quality suite waits until the refresh of the load's children has been
requested, so the suite's run cannot take the run slot ahead of the refresh; it waits a
bounded time only, and a child whose refresh ran (even unsuccessfully) does not hold it."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from intel_assets.automation import quality_checks
from intel_assets.automation.conditions import refresh_condition
from intel_assets.automation.quality_checks import CheckBehindAssetCondition

RAW = dg.AssetKey(["raw", "stripe", "invoices"])
CHILD = dg.AssetKey(["staging", "stg_stripe__invoices"])
LOAD = dg.AssetSelection.assets(RAW).without_checks()  # the suite runs on its own


def _graph(*, child_fails: bool = False) -> list:
    @dg.asset(key=RAW)
    def raw() -> None: ...

    @dg.asset(key=CHILD, deps=[RAW], automation_condition=refresh_condition())
    def child() -> None:
        if child_fails:
            raise RuntimeError("the child's refresh fails")

    @dg.asset_check(asset=raw, name="load_meets_expectations",
                    automation_condition=CheckBehindAssetCondition())
    def suite() -> dg.AssetCheckResult:
        return dg.AssetCheckResult(passed=True)

    return [raw, child, suite]


def _suite_due(defs, instance) -> bool:
    result = dg.evaluate_automation_conditions(
        defs=defs, instance=instance, asset_selection=dg.AssetSelection.all_asset_checks())
    return result.total_requested == 1


@pytest.fixture
def instance(tmp_path: Path):
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        yield instance


def _load(defs, instance) -> None:
    """Everything once, then a new raw load alone, as the landing sensor's run does."""
    assert dg.materialize(defs, instance=instance).success
    assert dg.materialize(defs, instance=instance, selection=LOAD).success


def test_the_suite_waits_for_the_refresh_of_its_assets_children(instance):
    defs = _graph()
    _load(defs, instance)

    assert not _suite_due(defs, instance)

    assert dg.materialize(defs, instance=instance, selection=[CHILD]).success
    assert _suite_due(defs, instance)


def test_a_childs_failed_refresh_does_not_hold_the_suite_back(instance):
    defs = _graph(child_fails=True)
    assert dg.materialize(defs, instance=instance, selection=LOAD).success
    dg.materialize(defs, instance=instance, selection=[CHILD], raise_on_error=False)
    assert dg.materialize(defs, instance=instance, selection=LOAD).success
    assert not _suite_due(defs, instance)

    result = dg.materialize(defs, instance=instance, selection=[CHILD], raise_on_error=False)

    assert not result.success
    assert _suite_due(defs, instance)


def test_the_suite_waits_a_bounded_time_only(instance, monkeypatch):
    defs = _graph()
    _load(defs, instance)
    monkeypatch.setattr(quality_checks, "REFRESH_FIRST_SECONDS", 0.0)

    assert _suite_due(defs, instance)
