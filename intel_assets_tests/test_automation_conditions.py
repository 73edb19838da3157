"""The refresh condition: a change upstream requests exactly what is downstream of it, no
update is lost in the sequence that makes `eager()` lose one, and a child is never left
older than its parents."""

from __future__ import annotations

import random
from pathlib import Path

import dagster as dg
import pytest

from intel_assets.automation.conditions import (
    latest_materialization_ids,
    refresh_condition,
    with_refresh_automation,
)
from intel_assets.resources import Warehouse
from intel_assets.settings import resolve_paths
from intel_assets.sources.assets import raw_assets
from intel_assets.stack import parse_stack
from intel_assets.transform.dbt_project import dbt_asset_definitions, dbt_resource
from intel_assets.transform.identity_assets import identity_map_asset

PARENT = dg.AssetKey(["raw", "crm", "contacts"])
OTHER_PARENT = dg.AssetKey(["raw", "billing", "invoices"])
CHILD = dg.AssetKey(["staging", "contacts"])
GRANDCHILD = dg.AssetKey(["marts", "customers"])


def _graph(condition: dg.AutomationCondition | None = None) -> list[dg.AssetsDefinition]:
    """Two raw parents, a child of one, a grandchild of both: each run really executes."""

    @dg.asset(key=PARENT)
    def parent() -> None: ...

    @dg.asset(key=OTHER_PARENT)
    def other_parent() -> None: ...

    @dg.asset(key=CHILD, deps=[PARENT])
    def child() -> None: ...

    @dg.asset(key=GRANDCHILD, deps=[CHILD, OTHER_PARENT])
    def grandchild() -> None: ...

    assets = [parent, other_parent, child, grandchild]
    if condition is None:
        return with_refresh_automation(assets)
    return list(dg.map_asset_specs(
        lambda s: s if s.key.path[0] == "raw" else s.replace_attributes(
            automation_condition=condition), assets))


def _run(assets, instance, *keys: dg.AssetKey) -> None:
    result = dg.materialize(assets, instance=instance, selection=list(keys))
    assert result.success


def _requested(result) -> set[dg.AssetKey]:
    return {subset.key for subset in result.results if not subset.true_subset.is_empty}


@pytest.fixture
def instance(tmp_path: Path):
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        yield instance


def test_a_new_parent_materialization_requests_its_descendants_and_nothing_else(instance):
    assets = _graph()
    _run(assets, instance, PARENT, OTHER_PARENT, CHILD, GRANDCHILD)
    quiet = dg.evaluate_automation_conditions(defs=assets, instance=instance)
    assert quiet.total_requested == 0

    _run(assets, instance, OTHER_PARENT)
    tick = dg.evaluate_automation_conditions(defs=assets, instance=instance, cursor=quiet.cursor)

    assert _requested(tick) == {GRANDCHILD}


def test_the_update_eager_loses_is_not_lost(instance):
    """The child's own run and a new parent materialization land between two evaluations."""
    refreshed, eager = _graph(), _graph(dg.AutomationCondition.eager())
    _run(refreshed, instance, PARENT, OTHER_PARENT, CHILD, GRANDCHILD)
    first = {name: dg.evaluate_automation_conditions(defs=a, instance=instance)
             for name, a in (("refresh", refreshed), ("eager", eager))}
    _run(refreshed, instance, PARENT)
    second = {name: dg.evaluate_automation_conditions(defs=a, instance=instance,
                                                      cursor=first[name].cursor)
              for name, a in (("refresh", refreshed), ("eager", eager))}
    assert CHILD in _requested(second["refresh"]) and CHILD in _requested(second["eager"])

    _run(refreshed, instance, CHILD)  # the requested run lands ...
    _run(refreshed, instance, PARENT)  # ... and so does a new parent, before the next tick
    third = {name: dg.evaluate_automation_conditions(defs=a, instance=instance,
                                                     cursor=second[name].cursor)
             for name, a in (("refresh", refreshed), ("eager", eager))}

    assert CHILD not in _requested(third["eager"]), (
        "eager() no longer loses this update: the control is obsolete, the test still holds")
    assert CHILD in _requested(third["refresh"])


def test_a_failed_child_is_retried_only_after_a_parent_changes_again(tmp_path: Path):
    attempts = []

    @dg.asset(key=PARENT)
    def parent() -> None: ...

    @dg.asset(key=CHILD, deps=[PARENT], automation_condition=refresh_condition())
    def child() -> None:
        attempts.append(1)
        raise ValueError("the warehouse said no")

    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        dg.materialize([parent], instance=instance)
        tick = dg.evaluate_automation_conditions(defs=[parent, child], instance=instance)
        assert _requested(tick) == {CHILD}
        dg.materialize([parent, child], instance=instance, selection=[CHILD],
                       raise_on_error=False)

        again = dg.evaluate_automation_conditions(defs=[parent, child], instance=instance,
                                                  cursor=tick.cursor)
        assert again.total_requested == 0
        dg.materialize([parent], instance=instance)
        after = dg.evaluate_automation_conditions(defs=[parent, child], instance=instance,
                                                  cursor=again.cursor)
        assert _requested(after) == {CHILD}
    assert attempts == [1]


@pytest.mark.parametrize("seed", [3, 11])
def test_no_child_is_left_older_than_its_parents_whatever_the_interleaving(instance, seed):
    """Parents refresh at random moments while requested runs land late, in any order; once
    the parents stop, running what is requested until nothing is leaves every child newer
    than each of its parents."""
    rng = random.Random(seed)
    assets = _graph()
    _run(assets, instance, PARENT, OTHER_PARENT, CHILD, GRANDCHILD)
    cursor = None
    owed: list[dg.AssetKey] = []
    for _ in range(12):
        action = rng.choice(["parent", "other", "land", "tick", "tick"])
        if action == "parent":
            _run(assets, instance, PARENT)
        elif action == "other":
            _run(assets, instance, OTHER_PARENT)
        elif action == "land" and owed:
            _run(assets, instance, owed.pop(rng.randrange(len(owed))))
        else:
            result = dg.evaluate_automation_conditions(defs=assets, instance=instance,
                                                       cursor=cursor)
            cursor = result.cursor
            owed.extend(_requested(result))

    for _ in range(6):
        result = dg.evaluate_automation_conditions(defs=assets, instance=instance, cursor=cursor)
        cursor = result.cursor
        if not result.total_requested:
            break
        _run(assets, instance, *sorted(_requested(result), key=lambda k: k.path))

    ids = latest_materialization_ids(instance, [PARENT, OTHER_PARENT, CHILD, GRANDCHILD])
    assert ids[CHILD] > ids[PARENT]
    assert ids[GRANDCHILD] > max(ids[CHILD], ids[OTHER_PARENT])


def _project_definitions(tmp_path: Path) -> dg.Definitions:
    """The project's raw, dbt and identity assets for the default stack, automated as the
    graph automates them."""
    paths = resolve_paths({"INTEL_HOME": str(tmp_path / "home")})
    stack = parse_stack({})
    assets = with_refresh_automation([
        *raw_assets(stack, paths.landing), *dbt_asset_definitions(paths, stack),
        identity_map_asset(),
    ])
    return dg.Definitions(assets=assets, resources={
        "warehouse": Warehouse(path=str(paths.warehouse)), "dbt": dbt_resource()})


def test_in_the_project_graph_one_source_refresh_requests_exactly_its_downstream_set(
    tmp_path: Path, instance
):
    assets = _project_definitions(tmp_path)
    graph = assets.resolve_asset_graph()
    automated = {k for k in graph.get_all_asset_keys()
                 if graph.get(k).automation_condition is not None}
    for key in graph.toposorted_asset_keys:
        instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key))
    quiet = dg.evaluate_automation_conditions(defs=assets, instance=instance)
    assert quiet.total_requested == 0

    changed = dg.AssetKey(["raw", "stripe", "invoices"])
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=changed))
    tick = dg.evaluate_automation_conditions(defs=assets, instance=instance, cursor=quiet.cursor)

    downstream = dg.AssetSelection.assets(changed).downstream().resolve(graph) - {changed}
    assert _requested(tick) == downstream & automated
    assert dg.AssetKey(["marts", "customers"]) in _requested(tick)
    assert not any(key.path[0] == "raw" for key in _requested(tick))
    assert dg.AssetKey(["staging", "stg_hubspot__contacts"]) not in _requested(tick)


def test_a_dependency_nothing_here_can_build_does_not_block_its_child(instance):
    @dg.asset(key=PARENT)
    def parent() -> None: ...

    @dg.asset(key=GRANDCHILD, deps=[PARENT, dg.AssetKey(["model", "churn_scores"])])
    def insights() -> None: ...

    assets = with_refresh_automation([parent, insights])
    first = dg.evaluate_automation_conditions(defs=assets, instance=instance)
    dg.materialize([parent], instance=instance)

    tick = dg.evaluate_automation_conditions(defs=assets, instance=instance, cursor=first.cursor)

    assert _requested(tick) == {GRANDCHILD}
