"""The insights asset: the graph's last step, where the slices are read together."""

from collections import Counter
from datetime import UTC, datetime

import dagster as dg
from dagster import AssetExecutionContext

from intel_assets.insights.candidate import FAMILIES
from intel_assets.resources import WAREHOUSE_POOL, Warehouse

INSIGHTS = dg.AssetKey(["insights", "insights"])
UPSTREAM = (
    dg.AssetKey(["marts", "customers"]),
    dg.AssetKey(["marts", "customer_snapshots"]),
    dg.AssetKey(["marts", "channel_performance"]),
    dg.AssetKey(["identified", "int_customer_daily_activity"]),
    dg.AssetKey(["identified", "int_survey_responses_identified"]),
    dg.AssetKey(["identified", "int_data_as_of"]),
    dg.AssetKey(["model", "churn_scores"]),
)
SEVERITIES = ("high", "medium", "low")


@dg.asset(
    key=INSIGHTS,
    deps=list(UPSTREAM),
    group_name="insights",
    kinds={"duckdb", "python", "scipy"},
    pool=WAREHOUSE_POOL,
    metadata={"dagster/table_name": "insights.current"},
)
def insights(context: AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Ranked cross-source findings with false-discovery control, and their history.

    Every detector's candidates are tested, controlled together with Benjamini-Hochberg,
    merged and ranked; `insights.current` holds this run's insights and those that resolved
    in it, `insights.history` every run's, `insights.runs` one row per run.
    """
    # The detectors' statistics (scipy, statsmodels) take seconds to import: every process
    # that loads the definitions (each run, the code server) would pay that for nothing.
    from intel_assets.insights.engine import run_insights
    from intel_assets.insights.report import markdown_table

    run_at = datetime.now(UTC).replace(tzinfo=None)
    with warehouse.connection() as con:
        outcome = run_insights(con, run_id=context.run_id, run_at=run_at)
    findings = outcome.findings
    statuses = Counter(outcome.current["status"]) if not outcome.current.empty else Counter()
    severities = Counter(f.severity for f in findings)
    by_family = outcome.significant_by_family

    context.log.info(
        f"{outcome.run.candidates_tested:,} candidates tested, "
        f"{outcome.run.significant:,} significant after BH, {len(findings)} insights kept; "
        f"seconds by detector: {outcome.seconds_by_detector}"
    )
    metadata: dict[str, object] = {
        "dagster/row_count": len(outcome.current),
        "top_insights": dg.MetadataValue.md(markdown_table(outcome.current, limit=10)),
        "candidates_tested": outcome.run.candidates_tested,
        "significant_after_bh": outcome.run.significant,
        "insights_kept": len(findings),
        "resolved": int(statuses.get("resolved", 0)),
        "new": int(statuses.get("new", 0)),
    }
    metadata.update({f"family/{f}": int(by_family.get(f, 0)) for f in FAMILIES})
    metadata.update({f"severity/{s}": int(severities.get(s, 0)) for s in SEVERITIES})
    metadata.update({f"tests/{f}": int(n) for f, n in outcome.run.tests_by_family.items()})
    metadata.update({f"seconds/{d}": s for d, s in outcome.seconds_by_detector.items()})
    return dg.MaterializeResult(metadata=metadata)
