"""The Great Expectations suites and how one is run inside a Dagster asset check.

A raw suite is derived from the object's declaration (the same source as its table and its
validation), so a new tool gets one without code. A mart suite holds what every mart row
must satisfy whatever the stack: keys unique and present, counts and money non-negative,
rates between 0 and 1. Expectations on a column the table lacks are dropped from the suite
and reported: the schema expectation already fails for it.

Great Expectations is imported inside the functions: importing it costs seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from intel_assets.sources.loader import LINEAGE_COLUMNS
from intel_assets.sources.spec import RawObject

NUMERIC_KINDS = ("integer", "float", "decimal")


@dataclass(frozen=True)
class Suite:
    """What a table must satisfy, in plain terms; turned into expectations when run."""

    name: str
    columns: tuple[str, ...]
    exact_columns: bool = False
    min_rows: int = 1
    unique: tuple[tuple[str, ...], ...] = ()
    not_null: dict[str, float] = field(default_factory=dict)  # column -> least share present
    between: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)


def raw_suite(obj: RawObject) -> Suite:
    return Suite(
        name=f"raw_{obj.table}",
        columns=tuple(c.name for c in obj.columns) + tuple(n for n, _ in LINEAGE_COLUMNS),
        exact_columns=True,
        unique=(("_source_file", "_row_number"),),
        not_null={c.name: 1.0 for c in obj.columns if c.required},
        between={c.name: (c.minimum, c.maximum) for c in obj.columns
                 if c.kind in NUMERIC_KINDS and (c.minimum is not None or c.maximum is not None)},
    )


_COUNTS = (0.0, None)
_RATE = (0.0, 1.0)
MART_SUITES: dict[str, Suite] = {
    "customers": Suite(
        name="marts_customers",
        columns=("customer_id", "account_name", "people", "mrr", "is_churned", "tenure_days"),
        unique=(("customer_id",),),
        not_null={"customer_id": 1.0, "is_churned": 1.0, "account_name": 0.99},
        between={"mrr": _COUNTS, "tenure_days": _COUNTS, "people": _COUNTS,
                 "events_30d": _COUNTS, "tickets_total": _COUNTS,
                 "email_open_rate": _RATE, "adoption_breadth_30d": _RATE},
    ),
    "people": Suite(
        name="marts_people",
        columns=("person_id", "customer_id"),
        unique=(("person_id",),),
        not_null={"person_id": 1.0, "customer_id": 1.0},
        between={"events_total": _COUNTS, "tickets_total": _COUNTS,
                 "emails_delivered": _COUNTS, "email_open_rate": _RATE},
    ),
    "customer_snapshots": Suite(
        name="marts_customer_snapshots",
        columns=("customer_id", "snapshot_at"),
        unique=(("customer_id", "snapshot_at"),),
        not_null={"customer_id": 1.0, "snapshot_at": 1.0},
        between={"events_30d": _COUNTS, "tickets_30d": _COUNTS},
    ),
    "channel_performance": Suite(
        name="marts_channel_performance",
        columns=("channel", "acquisition_month"),
        min_rows=0,  # a consumer business with no ad platform may have no channel rows
        not_null={"channel": 1.0, "acquisition_month": 1.0},
        between={"cpa": _COUNTS, "retention_adjusted_cac": _COUNTS},
    ),
}


def mart_suite(name: str) -> Suite:
    return MART_SUITES[name]


def expectations(suite: Suite, present: set[str]) -> tuple[list[Any], list[str]]:
    """The suite as Great Expectations objects, and the expectations dropped because their
    column is absent."""
    import great_expectations as gx

    found: list[Any] = [
        gx.expectations.ExpectTableColumnsToMatchSet(
            column_set=list(suite.columns), exact_match=suite.exact_columns),
        gx.expectations.ExpectTableRowCountToBeBetween(min_value=suite.min_rows),
    ]
    dropped: list[str] = []
    for columns in suite.unique:
        if not set(columns) <= present:
            dropped.append(f"unique {columns}")
        elif len(columns) == 1:
            found.append(gx.expectations.ExpectColumnValuesToBeUnique(column=columns[0]))
        else:
            found.append(gx.expectations.ExpectCompoundColumnsToBeUnique(
                column_list=list(columns)))
    for column, mostly in suite.not_null.items():
        if column not in present:
            dropped.append(f"not null {column}")
            continue
        found.append(gx.expectations.ExpectColumnValuesToNotBeNull(column=column, mostly=mostly))
    for column, (low, high) in suite.between.items():
        if column not in present:
            dropped.append(f"between {column}")
            continue
        found.append(gx.expectations.ExpectColumnValuesToBeBetween(
            column=column, min_value=low, max_value=high))
    return found, dropped


def run_suite(suite: Suite, rows) -> SuiteOutcome:
    """Validates a DataFrame in an ephemeral context: nothing is written to disk."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas(name="intel")
    batch = (
        source.add_dataframe_asset(name=suite.name)
        .add_batch_definition_whole_dataframe("whole")
        .get_batch(batch_parameters={"dataframe": rows})
    )
    found, dropped = expectations(suite, set(rows.columns))
    result = batch.validate(gx.ExpectationSuite(name=suite.name, expectations=found))
    failures = [_failure_line(r) for r in result.results if not r.success]
    return SuiteOutcome(evaluated=len(result.results), failures=failures, dropped=dropped)


@dataclass
class SuiteOutcome:
    evaluated: int
    failures: list[str]
    dropped: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


def _failure_line(result) -> str:
    config = result.expectation_config
    kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
    observed = {k: result.result.get(k) for k in ("observed_value", "unexpected_count",
                                                  "unexpected_percent") if k in result.result}
    return f"{config.type} {kwargs}: {observed}"


def validate(context: dg.AssetCheckExecutionContext, rows, suite: Suite, *,
             scope: str) -> dg.AssetCheckResult:
    """Runs `suite` on `rows` and reports it as the check's result."""
    outcome = run_suite(suite, rows)
    for line in outcome.failures:
        context.log.warning(f"{suite.name}: {line}")
    table = "\n".join(f"- {line}" for line in outcome.failures) or "every expectation held"
    return dg.AssetCheckResult(
        passed=outcome.passed,
        description=None if outcome.passed else
        f"{len(outcome.failures)} of {outcome.evaluated} expectations failed on the {scope}",
        metadata={
            "rows_validated": len(rows),
            "expectations": outcome.evaluated,
            "failed_expectations": len(outcome.failures),
            "failures": dg.MetadataValue.md(table),
            "not_evaluated": ", ".join(outcome.dropped) or "none",
        },
    )
