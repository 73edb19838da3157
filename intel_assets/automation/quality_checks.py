"""Asset checks on every layer that dbt's own tests do not already cover.

- Great Expectations suites on each raw load and on the marts: schema, volume, uniqueness,
  value ranges, null rates (`expectations.py` holds the suites).
- Freshness of every source: how long since its raw assets last loaded a new file, with a
  limit per source from the automation settings.
- A warning when a new high-severity insight appears.

Great Expectations takes 10-15 s to import on two cores, longer than the refresh it would
check, so its suites stay out of the refresh runs: each suite carries its own automation
condition (run when its asset changed since the suite last ran) and the sensor that
evaluates it launches its runs at a lower queue priority than refreshes. A suite's verdict
therefore arrives a run after the data it judges; the daily rebuild and `intel demo` run
every check in the same run as its asset. Priority orders only runs queued together: a
suite requested in the seconds between a load and the refresh sensor's next look would
take the single run slot first and hold the refresh back by its whole run, so a suite also
waits, up to `REFRESH_FIRST_SECONDS`, until the refresh of its asset's children has been
requested. Suites read the warehouse, so they hold the `warehouse` pool like any step that
opens it.
"""


import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial

import dagster as dg

from intel_assets.automation.conditions import latest_attempt_id
from intel_assets.automation.config import AutomationConfig
from intel_assets.automation.expectations import (
    MART_SUITES,
    Suite,
    mart_suite,
    raw_suite,
    validate,
)
from intel_assets.resources import WAREHOUSE_POOL, Warehouse
from intel_assets.sources.catalog import may_stay_empty, stack_objects
from intel_assets.sources.loader import RAW_SCHEMA
from intel_assets.stack import Stack

RAW_SUITE_CHECK = "load_meets_expectations"
MART_SUITE_CHECK = "mart_meets_expectations"
FRESHNESS_CHECK = "source_is_fresh"
INSIGHT_CHECK = "no_new_high_severity_insight"
INSIGHTS_ASSET = dg.AssetKey(["insights", "insights"])
INSIGHTS_TABLE = "insights.current"
SAMPLE_ROWS = 50_000  # per suite: enough for every expectation, bounded in time
SUITE_RUN_TAGS = {"dagster/priority": "-1", "intel/trigger": "quality"}
FRESHNESS_CRON = "0 * * * *"
REFRESH_FIRST_SECONDS = 60.0


class CheckBehindAssetCondition(dg.AutomationCondition[dg.AssetCheckKey]):
    """True for a check when its asset materialized after the check last evaluated (or was
    last planned, for a run that never got to it): state, not events, so no update is
    skipped, and a check run beside its asset is not run again."""

    @property
    def name(self) -> str:
        return "asset_newer_than_check"

    @property
    def requires_cursor(self) -> bool:
        return False

    def evaluate(self, context: dg.AutomationContext) -> dg.AutomationResult:
        instance = context.asset_graph_view.instance
        key = context.key
        record = next(iter(instance.get_asset_records([key.asset_key])), None)
        materialized = record.asset_entry.last_materialization if record else None
        executions = instance.event_log_storage.get_latest_asset_check_execution_by_key([key])
        execution = executions.get(key)
        checked_at = None if execution is None else (
            execution.event.timestamp if execution.event else execution.create_timestamp
        )
        behind = materialized is not None and (
            checked_at is None or checked_at < materialized.timestamp
        )
        if behind and _refresh_pending(context, key.asset_key, record.asset_entry):
            behind = False
        subset = context.candidate_subset if behind else context.get_empty_subset()
        return dg.AutomationResult(context, true_subset=subset)


def _refresh_pending(context: dg.AutomationContext, key: dg.AssetKey, entry) -> bool:
    """Whether a child of the asset that follows it automatically has neither materialized
    nor been planned since the asset's latest materialization, which is at most
    `REFRESH_FIRST_SECONDS` old (a child blocked for another reason does not hold the suite
    back for longer)."""
    if time.time() - entry.last_materialization.timestamp > REFRESH_FIRST_SECONDS:
        return False
    graph = context.asset_graph
    children = [child for child in graph.get(key).child_keys
                if graph.has(child) and graph.get(child).automation_condition is not None]
    instance = context.asset_graph_view.instance
    for child in children:
        attempt = latest_attempt_id(instance, child)
        if attempt is None or attempt < entry.last_materialization_storage_id:
            return True
    return False


def suite_condition() -> dg.AutomationCondition:
    return (
        CheckBehindAssetCondition()
        & ~dg.AutomationCondition.in_progress()
        & ~dg.AutomationCondition.any_deps_in_progress()
    ).with_label("asset_changed_since_suite_ran")


def raw_load_checks(stack: Stack) -> list[dg.AssetChecksDefinition]:
    """One suite per raw object, over the rows its latest load added. A consumer business
    has no companies or deals, so those objects may stay empty without failing."""
    return [_raw_check(obj, may_be_empty=may_stay_empty(stack, obj))
            for obj in stack_objects(stack)]


def _raw_check(obj, *, may_be_empty: bool) -> dg.AssetChecksDefinition:
    table = f'{RAW_SCHEMA}."{obj.table}"'
    return _suite_check(
        dg.AssetKey(obj.asset_path), RAW_SUITE_CHECK,
        "Great Expectations on the latest load: the declared columns, at least one row, one "
        "row per file line, required fields present, declared ranges held.",
        f"(SELECT * FROM {table} WHERE _loaded_at = (SELECT max(_loaded_at) FROM {table}))",
        partial(raw_suite, obj), scope="latest load",
        empty_reason=(f"A consumer business has no {obj.tool} {obj.name}: none loaded, "
                      "nothing to check.") if may_be_empty else None,
    )


def mart_checks(assets: Iterable[dg.AssetsDefinition]) -> list[dg.AssetChecksDefinition]:
    """A suite for each mart of `MART_SUITES` that the graph holds."""
    present = {key for asset in assets for key in asset.keys}
    return [_mart_check(name) for name in MART_SUITES
            if dg.AssetKey(["marts", name]) in present]


def _mart_check(name: str) -> dg.AssetChecksDefinition:
    return _suite_check(
        dg.AssetKey(["marts", name]), MART_SUITE_CHECK,
        f"Great Expectations on marts.{name}: columns, volume, keys, ranges, null rates.",
        f"marts.{name}", partial(mart_suite, name), scope=f"marts.{name}",
    )


def _suite_check(
    key: dg.AssetKey, name: str, description: str, rows_from: str,
    suite: Callable[[], Suite], *, scope: str, empty_reason: str | None = None,
) -> dg.AssetChecksDefinition:
    """A Great Expectations suite over a repeatable sample of `rows_from` (a table or a
    subquery), run after its asset changes. The suite is built when the check runs, not
    when the definitions load. With `empty_reason`, no rows at all pass, saying why."""

    @dg.asset_check(asset=key, name=name, pool=WAREHOUSE_POOL,
                    automation_condition=suite_condition(), description=description)
    def _check(context: dg.AssetCheckExecutionContext,
               warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connection() as con:
            rows = con.execute(
                f"SELECT * FROM {rows_from} USING SAMPLE reservoir({SAMPLE_ROWS} ROWS) "
                "REPEATABLE (7)"
            ).df()
        if rows.empty and empty_reason is not None:
            return dg.AssetCheckResult(passed=True, description=empty_reason,
                                       metadata={"rows_validated": 0})
        return validate(context, rows, suite(), scope=scope)

    return _check


def freshness_checks(stack: Stack, config: AutomationConfig) -> list[dg.AssetChecksDefinition]:
    """Per raw asset, the hours since it last loaded a new file, against its source's limit;
    a warning, since a late export is a question to ask the tool, not broken data."""
    return [_freshness_check(obj.asset_path, obj.tool, config.freshness_for(obj.tool))
            for obj in stack_objects(stack) if not may_stay_empty(stack, obj)]


def _freshness_check(path: Sequence[str], tool: str, hours: float) -> dg.AssetChecksDefinition:
    key = dg.AssetKey(list(path))

    @dg.asset_check(
        asset=key, name=FRESHNESS_CHECK,
        automation_condition=dg.AutomationCondition.cron_tick_passed(FRESHNESS_CRON)
        .since_last_handled().with_label("hourly"),
        description=f"{tool} delivered a new file within the last {hours:g} hours.",
    )
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        loaded_at = last_new_file_load(context.instance, key)
        age_hours = None if loaded_at is None else (time.time() - loaded_at) / 3600
        passed = age_hours is not None and age_hours <= hours
        return dg.AssetCheckResult(
            passed=passed, severity=dg.AssetCheckSeverity.WARN,
            description=None if passed else (
                f"No new {tool} file loaded within {hours:g} hours"
                + ("" if age_hours is None else f" (last {age_hours:.1f} hours ago)")),
            metadata={"hours_since_new_file": round(age_hours, 2) if age_hours else 0.0,
                      "limit_hours": hours, "ever_loaded": loaded_at is not None},
        )

    return _check


def last_new_file_load(instance: dg.DagsterInstance, key: dg.AssetKey,
                       lookback: int = 200) -> float | None:
    """When the asset last materialized with at least one new file, from the event log."""
    result = instance.fetch_materializations(key, limit=lookback)
    for record in result.records:
        materialization = record.asset_materialization
        files = materialization.metadata.get("files_loaded") if materialization else None
        if files is not None and files.value:
            return record.timestamp
    return None


def insight_checks(assets: Iterable[dg.AssetsDefinition]) -> list[dg.AssetChecksDefinition]:
    """The new-high-severity-insight warning, when the graph has the insights asset."""
    if INSIGHTS_ASSET not in {key for asset in assets for key in asset.keys}:
        return []

    @dg.asset_check(
        asset=INSIGHTS_ASSET, name=INSIGHT_CHECK, pool=WAREHOUSE_POOL,
        description="Warns when an insight of high severity appears for the first time.",
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connection() as con:
            tables = {row[0] for row in con.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'insights'"
            ).fetchall()}
            if "current" not in tables:
                return dg.AssetCheckResult(passed=True, metadata={"table_present": False})
            runs = con.execute("SELECT count(*) FROM insights.runs").fetchall()[0][0] if (
                "runs" in tables) else 0
            rows = con.execute(
                f"SELECT * FROM {INSIGHTS_TABLE} WHERE status = 'new' AND severity = 'high'"
            ).df()
        return new_insight_result(rows, first_run=runs <= 1)

    return [_check]


def new_insight_result(rows, *, first_run: bool = False) -> dg.AssetCheckResult:
    """The check's verdict on the new high-severity insights (a DataFrame of them). On the
    first run every insight is new: that run sets the baseline and warns about nothing,
    its findings are on the insights asset's page."""
    count = 0 if first_run else len(rows)
    title_column = next((c for c in ("title", "headline", "insight_key") if c in rows), None)
    titles = [str(t) for t in rows[title_column].head(5)] if title_column else []
    preview = "\n".join(f"- {t}" for t in titles) or "none"
    return dg.AssetCheckResult(
        passed=count == 0, severity=dg.AssetCheckSeverity.WARN,
        description=None if count == 0 else f"{count} new high-severity insight(s)",
        metadata={"new_high_severity": count, "titles": dg.MetadataValue.md(preview),
                  "table_present": True, "baseline_run": first_run},
    )


def quality_check_keys(checks: Iterable[dg.AssetChecksDefinition]) -> set[dg.AssetCheckKey]:
    return {key for check in checks for key in check.check_keys}
