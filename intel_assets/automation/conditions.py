"""When a derived asset re-materializes: whenever a parent holds data newer than its own.

`AutomationCondition.eager()` reacts to *events* seen between two evaluations, and so loses
an update when the child's own earlier run and a new parent materialization land between
the same two evaluations: the child's update resets the trigger that the parent's update
set. The condition here looks at *state* instead, in the event log's own order (storage
ids, which never tie and never go back): an asset is stale when some parent's latest
materialization came after the asset's latest materialization or planned run. Whatever
happened between evaluations, the comparison still holds afterwards, so no refresh can be
lost, and a child is never left older than its parents.

Counting a planned run as an attempt keeps a failing child from being requested again on
every tick: it is retried once a parent changes again (or by the daily rebuild).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence

import dagster as dg

RAW_PREFIX = "raw"
# Assets refreshed only by their own schedule or on demand (training is costly and its
# inputs change daily); their children still follow them automatically.
SCHEDULED_ONLY_TAG = "intel/refresh"
SCHEDULED_ONLY_VALUE = "scheduled"
SCHEDULED_ONLY_KEYS = frozenset({dg.AssetKey(["model", "churn_model"])})


class ParentsNewerCondition(dg.AutomationCondition[dg.AssetKey]):
    """True for an unpartitioned asset when a parent materialized after the asset's latest
    materialization or planned run, or when the asset has none while a parent has one."""

    @property
    def name(self) -> str:
        return "parents_newer"

    @property
    def description(self) -> str:
        return "A parent materialized after this asset's latest materialization or attempt"

    @property
    def requires_cursor(self) -> bool:
        return False

    def evaluate(self, context: dg.AutomationContext) -> dg.AutomationResult:
        if context.partitions_def is not None or context.candidate_subset.is_empty:
            return dg.AutomationResult(context, true_subset=context.get_empty_subset())

        queryer = context.asset_graph_view.get_inner_queryer_for_back_compat()
        parents = _materializable_parents(context.asset_graph, context.key)
        newest_parent = max((i for i in map(_materialized_id(queryer), parents) if i),
                            default=None)
        materialized = _materialized_id(queryer)(context.key)

        # A planned run can only make the asset's own attempt later, so it is looked up (one
        # event-log query per asset, most of an evaluation's cost) only when the asset's
        # materialization alone would leave it stale: on most ticks, for no asset at all.
        stale = newest_parent is not None and (materialized is None
                                               or newest_parent > materialized)
        if stale:
            own = latest_attempt_id(context.asset_graph_view.instance, context.key,
                                    materialized=materialized)
            stale = own is None or newest_parent > own
        subset = context.candidate_subset if stale else context.get_empty_subset()
        return dg.AutomationResult(context, true_subset=subset)


def _materialized_id(queryer):
    """Reads the evaluation's prefetched asset records rather than querying per asset."""

    def storage_id(key: dg.AssetKey) -> int | None:
        record = queryer.get_asset_record(key)
        return record.asset_entry.last_materialization_storage_id if record else None

    return storage_id


def latest_attempt_id(
    instance: dg.DagsterInstance, key: dg.AssetKey, *, materialized: int | None = None
) -> int | None:
    """The storage id of the asset's latest materialization or planned run, whichever is
    later: a run that planned it, whatever became of that run, has seen every parent update
    stored before it."""
    if materialized is None:
        materialized = latest_materialization_ids(instance, [key]).get(key)
    planned = instance.get_latest_planned_materialization_info(key)
    ids = [i for i in (materialized, planned.storage_id if planned else None) if i is not None]
    return max(ids, default=None)


def latest_materialization_ids(
    instance: dg.DagsterInstance, keys: Sequence[dg.AssetKey]
) -> dict[dg.AssetKey, int]:
    """The storage id of each asset's latest materialization (no planned runs)."""
    return {
        record.asset_entry.asset_key: record.asset_entry.last_materialization_storage_id
        for record in instance.get_asset_records(list(keys))
        if record.asset_entry.last_materialization_storage_id is not None
    }


def _materializable_parents(asset_graph, key: dg.AssetKey) -> list[dg.AssetKey]:
    return [
        parent
        for parent in asset_graph.get(key).parent_keys
        if asset_graph.has(parent) and asset_graph.get(parent).is_materializable
    ]


def refresh_condition() -> dg.AutomationCondition:
    """Stale (or a parent requested on the same tick, so both go in one run), with every
    parent present and nothing involved still running."""
    parent_requested = dg.AutomationCondition.any_deps_match(
        dg.AutomationCondition.will_be_requested()
    ).with_label("parent_requested_now")
    # A dependency nothing here can materialize (an asset of another code location, or one
    # not built yet) would otherwise count as missing forever and block its children.
    materializable = dg.AssetSelection.all().materializable()
    return (
        (ParentsNewerCondition() | parent_requested)
        & ~dg.AutomationCondition.any_deps_missing().allow(materializable)
        & ~dg.AutomationCondition.any_deps_in_progress()
        & ~dg.AutomationCondition.in_progress()
    ).with_label("refresh_when_parents_newer")


def is_refreshed_automatically(spec: dg.AssetSpec) -> bool:
    """Everything derived follows its parents; raw loads follow their landing folders and
    scheduled-only assets follow their schedule."""
    if spec.key.path[0] == RAW_PREFIX or spec.key in SCHEDULED_ONLY_KEYS:
        return False
    return spec.tags.get(SCHEDULED_ONLY_TAG) != SCHEDULED_ONLY_VALUE


def with_refresh_automation(
    assets: Iterable[dg.AssetsDefinition],
) -> list[dg.AssetsDefinition]:
    """The same assets, each derived one carrying `refresh_condition()` unless it declares
    its own condition; applied to the whole graph, so assets added later are covered."""
    condition = refresh_condition()

    def attach(spec: dg.AssetSpec) -> dg.AssetSpec:
        if spec.automation_condition is not None or not is_refreshed_automatically(spec):
            return spec
        return spec.replace_attributes(automation_condition=condition)

    return list(dg.map_asset_specs(attach, list(assets)))


def automated_keys(assets: Iterable[dg.AssetsDefinition]) -> list[dg.AssetKey]:
    return [
        spec.key
        for asset in assets
        for spec in asset.specs
        if spec.automation_condition is not None
    ]


def refresh_sensor(
    assets: Sequence[dg.AssetsDefinition], *, interval_seconds: int = 1
) -> dg.AutomationConditionSensorDefinition:
    """Evaluates the refresh condition in the code server (it is a condition of this
    project, which the daemon cannot evaluate itself) on every loop of the automation
    daemon, which runs every 5 s; the implicit sensor's fixed 30 s would dominate refresh
    latency. An interval of exactly 5 s would skip a loop whenever the previous evaluation
    started a moment late, so a refresh would wait 10 s to be noticed."""
    return code_server_automation_sensor(
        "refresh_downstream",
        target=dg.AssetSelection.assets(*automated_keys(assets)).without_checks(),
        default_status=dg.DefaultSensorStatus.RUNNING,
        minimum_interval_seconds=interval_seconds,
        run_tags={"intel/trigger": "automation"},
        description="Re-materializes every derived asset whose parents hold newer data.",
    )


def code_server_automation_sensor(name: str, **kwargs) -> dg.AutomationConditionSensorDefinition:
    """An automation sensor evaluated in the code server, where this project's conditions
    live; `use_user_code_server` is marked beta, which is said once here, not on every load."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        return dg.AutomationConditionSensorDefinition(name, use_user_code_server=True, **kwargs)
