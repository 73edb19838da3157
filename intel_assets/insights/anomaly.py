"""Anomalies: one source's metric shifts in the same weeks as another's, for one segment.

Support sees a surge of tickets; product sees usage sag; each team files it as its own
noise. When both move at the same time for the same customers, something happened to
those customers (a release, an outage in one region, a billing change for one plan).

For every segment of customers by one attribute (plan, region or country, industry,
acquisition channel), each metric becomes a weekly series: the segment's rate per
customer-week over the rest's, on the log scale, so that what moves everyone at once
(growth, seasons, a tracking change) cancels. Each series is tested for one shift in its
harmful direction (more tickets, fewer sessions, fewer email opens) by the CUSUM test in
`timeseries`. A pair of metrics from two different sources is an anomaly when both shift
within COINCIDE_WEEKS of each other; its p-value is the larger of the two (both must
hold), and 1 when the shifts are not in the same weeks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations

import duckdb
import numpy as np

from intel_assets.insights.candidate import Candidate, Condition
from intel_assets.insights.evidence import json_safe
from intel_assets.insights.timeseries import ChangePoint, change_point, log_rate_ratio
from intel_assets.insights.weekly import WeeklyActivity, load_weekly_activity

COINCIDE_WEEKS = 2
MIN_SEGMENT = 100
SERIES_FROM_SHARE = 0.25  # weeks with fewer customers than this share of the peak are noise
SEGMENT_ATTRIBUTES = (
    ("plan", "billing"), ("region", "crm"), ("industry", "crm"),
    ("acquisition_channel", "ads"),
)
FALLBACK_ATTRIBUTES = {"region": ("country", "crm")}  # when the marts have no region yet


@dataclass(frozen=True)
class Metric:
    name: str
    source: str
    harm: int  # +1: a rise is harmful; -1: a fall is
    label: str


METRICS: tuple[Metric, ...] = (
    Metric("tickets", "support", 1, "support tickets"),
    Metric("sessions", "product", -1, "sessions"),
    Metric("emails_opened", "lifecycle", -1, "email opens"),
)


@dataclass(frozen=True)
class Shift:
    """One metric's tested change for a segment, in weeks of the series and as rates."""

    metric: Metric
    change: ChangePoint
    week: int  # the first week after the change, counted from the weekly origin
    rate_before: float  # the segment's own events per customer-week
    rate_after: float

    @property
    def relative_factor(self) -> float:
        """How much the segment's rate moved against the rest's: 3.0 is three times."""
        return math.exp(self.change.shift) if np.isfinite(self.change.shift) else math.nan


def detect(con: duckdb.DuckDBPyConnection) -> list[Candidate]:
    """Every segment and every pair of metrics from different sources, tested."""
    weekly = load_weekly_activity(con, tuple(m.name for m in METRICS))
    if weekly.weeks == 0:
        return []
    attributes = _segment_attributes(con)
    frame = con.execute(
        f"select customer_id, {', '.join(a for a, _ in attributes)} from marts.customers"
    ).df().set_index("customer_id").reindex(weekly.customers["customer_id"])

    active = weekly.active
    first_week = _series_start(active)
    candidates = []
    for attribute, source in attributes:
        values = frame[attribute].astype(object).where(frame[attribute].notna(), None)
        for value in sorted(str(v) for v in values.dropna().unique()):
            members = (values.astype(str) == value).to_numpy() & values.notna().to_numpy()
            if members.sum() < MIN_SEGMENT or (~members).sum() < MIN_SEGMENT:
                continue
            condition = Condition(attribute, source, "=", value)
            shifts = [_shift(weekly, active, members, m, first_week) for m in METRICS]
            for one, other in combinations(shifts, 2):
                if one.metric.source != other.metric.source:
                    candidates.append(_candidate(condition, one, other, weekly, members, active))
    return candidates


def _segment_attributes(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    columns = {
        row[0] for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'customers'"
        ).fetchall()
    }
    found = []
    for attribute, source in SEGMENT_ATTRIBUTES:
        if attribute in columns:
            found.append((attribute, source))
        elif attribute in FALLBACK_ATTRIBUTES and FALLBACK_ATTRIBUTES[attribute][0] in columns:
            found.append(FALLBACK_ATTRIBUTES[attribute])
    return found


def _series_start(active: np.ndarray) -> int:
    """The first week with enough customers that a segment's weekly rate means something."""
    customers = active.sum(axis=0)
    if customers.max() == 0:
        return 0
    return int(np.argmax(customers >= SERIES_FROM_SHARE * customers.max()))


def _shift(
    weekly: WeeklyActivity, active: np.ndarray, members: np.ndarray, metric: Metric,
    first_week: int,
) -> Shift:
    counts = np.where(active, weekly.counts[metric.name], 0.0)
    own, own_exposure = counts[members].sum(axis=0), active[members].sum(axis=0)
    rest, rest_exposure = counts[~members].sum(axis=0), active[~members].sum(axis=0)
    series = log_rate_ratio(own, own_exposure, rest, rest_exposure)[first_week:]
    change = change_point(series, metric.harm)

    week = first_week + change.index
    before = own[first_week:week].sum() / max(own_exposure[first_week:week].sum(), 1)
    after = own[week:].sum() / max(own_exposure[week:].sum(), 1)
    return Shift(metric, change, week, float(before), float(after))


def _candidate(
    condition: Condition, one: Shift, other: Shift, weekly: WeeklyActivity,
    members: np.ndarray, active: np.ndarray,
) -> Candidate:
    together = abs(one.week - other.week) <= COINCIDE_WEEKS
    p_value = max(one.change.p_value, other.change.p_value) if together else 1.0
    start = min(one.week, other.week)
    date = weekly.week_start(start).date()
    current = members & active[:, -1]
    effect = 0.5 * (one.metric.harm * one.change.shift + other.metric.harm * other.change.shift)
    label = condition.describe()
    title = (
        f"{_moved(one).capitalize()} and {_moved(other)} for {label} from the week of {date}"
        if together else
        f"{one.metric.label.capitalize()} and {other.metric.label} of {label} did not shift "
        "together"
    )
    narrative = (
        f"From the week of {weekly.week_start(one.week).date()}, customers with {label} "
        f"went from {one.rate_before:.2f} to {one.rate_after:.2f} {one.metric.label} per "
        f"customer-week ({one.relative_factor:.2f}x against everyone else), and from the week "
        f"of {weekly.week_start(other.week).date()} from {other.rate_before:.2f} to "
        f"{other.rate_after:.2f} {other.metric.label} ({other.relative_factor:.2f}x). "
        f"{one.metric.source.capitalize()} and {other.metric.source} each see half of it."
    )
    return Candidate(
        family="anomaly",
        segment=(condition,),
        metrics=(one.metric.name, other.metric.name),
        title=title,
        narrative=narrative,
        sources=(one.metric.source, other.metric.source, condition.source),
        sample_size=int(members.sum()),
        baseline_size=int((~members).sum()),
        effect_size=float(effect) if np.isfinite(effect) else 0.0,
        p_value=float(p_value),
        severity_score=float(1 - math.exp(-max(effect, 0.0))) if np.isfinite(effect) else 0.0,
        # Shifts in different weeks were tested (they count in the control) but claim nothing.
        reportable=together,
        customers_affected=int(current.sum()),
        mrr_affected=float(weekly.customers["mrr"].to_numpy()[current].sum()),
        next_step=(
            f"Check what changed for {label} customers around {date} (a release, an "
            "outage, a plan or pricing change) with the support and product owners together."
        ),
        evidence=json_safe({
            "change_date": str(date),
            f"{one.metric.name}_change_date": str(weekly.week_start(one.week).date()),
            f"{other.metric.name}_change_date": str(weekly.week_start(other.week).date()),
            f"{one.metric.name}_before": one.rate_before,
            f"{one.metric.name}_after": one.rate_after,
            f"{other.metric.name}_before": other.rate_before,
            f"{other.metric.name}_after": other.rate_after,
            f"{one.metric.name}_relative_factor": one.relative_factor,
            f"{other.metric.name}_relative_factor": other.relative_factor,
            f"p_{one.metric.name}": one.change.p_value,
            f"p_{other.metric.name}": other.change.p_value,
            "weeks_apart": abs(one.week - other.week),
        }),
    )


def _moved(shift: Shift) -> str:
    factor = shift.relative_factor
    if not np.isfinite(factor):
        return shift.metric.label
    if factor >= 1:
        return f"{shift.metric.label} x{factor:.1f}"
    return f"{shift.metric.label} {factor - 1:+.0%}"


