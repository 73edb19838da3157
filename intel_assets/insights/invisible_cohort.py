"""Invisible cohorts: segments joined across tools whose churn no single tool's view shows.

Subgroup discovery over the attribute frame (attributes.py): every conjunction of two
conditions from two different sources, and of three conditions from at least two sources,
with at least MIN_SUPPORT customers in it and outside it. A segment is a finding when its
churn rate after the landmark is above the rest of the customers AND above the remainder of
each of its parts (each condition alone for a pair, each pair for a triple): the conjunction
itself must carry the risk, or the segment is only a restatement of a simpler one. The
p-value is the largest of those one-sided exact rate tests (an intersection-union test,
valid without any correction between them); every conjunction tested is returned, so the
run's false-discovery control counts the whole search.

The search is exhaustive up to three conditions and goes no deeper: with about 45 single
conditions that is some 5,000 tests and two seconds, and each further condition would
multiply both by about forty, and thin the control's power by as much.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations

import duckdb
import numpy as np

from intel_assets.insights.attributes import LANDMARK_DAYS, AttributeFrame, load_attribute_frame
from intel_assets.insights.candidate import Candidate, Condition
from intel_assets.insights.rates import HORIZON_DAYS, churn_within, rate, rate_greater_p

MIN_SUPPORT = 30
MIN_LIFT_OVER_REST = 1.5  # the segment's churn rate over everyone else's
MIN_LIFT_OVER_PARTS = 1.25  # over the rate each simpler view (a part alone) shows
SCREEN_P = 0.05  # a raw p above this can never pass BH at 0.05, so it needs no overlap check
OVERLAP_SUPPRESS = 0.8  # share of the smaller segment inside a stronger one: a restatement
METRICS = ("churn_rate_90d",)


@dataclass
class _Stats:
    members: np.ndarray | None  # boolean mask over the frame; dropped once not needed
    size: int
    events: float
    exposure: float
    active: int = 0
    mrr: float = 0.0


@dataclass
class _Tested:
    parts: tuple[int, ...]  # indices into the condition list
    stats: _Stats
    p_value: float
    rest_rate: float
    part_rates: tuple[float, ...]
    lift_over_rest: float
    lift_over_parts: float


def detect(con: duckdb.DuckDBPyConnection) -> list[Candidate]:
    frame = load_attribute_frame(con)
    if len(frame.frame) < 2 * MIN_SUPPORT or not frame.churned.any():
        return []

    conditions = _usable_conditions(frame)
    tested = _search(frame, conditions)
    reportable = _not_restated(tested, frame)

    total = len(frame.frame)
    return [
        _candidate(t, [c for c, _ in conditions], total, id(t) in reportable)
        for t in tested
    ]


def _usable_conditions(frame: AttributeFrame) -> list[tuple[Condition, np.ndarray]]:
    total = len(frame.frame)
    return [
        (condition, mask)
        for condition, mask in frame.conditions()
        if MIN_SUPPORT <= int(mask.sum()) <= total - MIN_SUPPORT
    ]


def _search(
    frame: AttributeFrame, conditions: list[tuple[Condition, np.ndarray]]
) -> list[_Tested]:
    """Tests every cross-source pair and triple with enough support."""
    churned = frame.churned.astype(float)
    exposure = frame.exposure
    active = 1.0 - churned
    mrr = frame.frame["mrr"].to_numpy(dtype=float) * active
    all_stats = _Stats(None, len(churned), churned.sum(), exposure.sum())

    def stats_of(mask: np.ndarray) -> _Stats:
        return _Stats(mask, int(mask.sum()), float(churned @ mask), float(exposure @ mask),
                      int(active @ mask), float(mrr @ mask))

    def screened(result: _Tested) -> _Tested:
        if result.p_value >= SCREEN_P:  # thousands of masks would not fit in memory
            result.stats = replace(result.stats, members=None)
        return result

    singles = {(i,): stats_of(m) for i, (_, m) in enumerate(conditions)}
    attrs = [c.attribute for c, _ in conditions]
    sources = [c.source for c, _ in conditions]

    pairs: dict[tuple[int, ...], _Stats] = {}
    for i, j in combinations(range(len(conditions)), 2):
        if attrs[i] == attrs[j]:
            continue
        stats = stats_of(conditions[i][1] & conditions[j][1])
        if stats.size >= MIN_SUPPORT and all_stats.size - stats.size >= MIN_SUPPORT:
            pairs[(i, j)] = stats

    tested: list[_Tested] = []
    for (i, j), stats in pairs.items():
        if sources[i] != sources[j]:
            tested.append(screened(_test((i, j), stats, singles, all_stats)))
    for (i, j), pair_stats in pairs.items():
        for k in range(j + 1, len(conditions)):
            if k == i or attrs[k] in (attrs[i], attrs[j]):
                continue
            if len({sources[i], sources[j], sources[k]}) < 2:
                continue
            if (i, k) not in pairs or (j, k) not in pairs:
                continue  # a part below the support leaves the triple below it too
            stats = stats_of(pair_stats.members & conditions[k][1])
            if stats.size < MIN_SUPPORT:
                continue
            tested.append(screened(_test((i, j, k), stats, pairs, all_stats)))
    return tested


def _test(
    parts: tuple[int, ...],
    stats: _Stats,
    simpler: dict[tuple[int, ...], _Stats],
    everyone: _Stats,
) -> _Tested:
    """Above the rest, and above the remainder of every simpler segment it refines."""
    subs = [simpler[tuple(s)] for s in combinations(parts, len(parts) - 1)]
    events = np.array([stats.events] * (len(subs) + 1))
    exposure = np.array([stats.exposure] * (len(subs) + 1))
    ref_events = np.array([everyone.events - stats.events]
                          + [s.events - stats.events for s in subs])
    ref_exposure = np.array([everyone.exposure - stats.exposure]
                            + [s.exposure - stats.exposure for s in subs])
    p = rate_greater_p(events, exposure, ref_events, ref_exposure)

    own = float(rate(stats.events, stats.exposure))
    rest = float(rate(ref_events[0], ref_exposure[0]))
    part_rates = tuple(float(rate(s.events, s.exposure)) for s in subs)
    return _Tested(
        parts=parts,
        stats=stats,
        p_value=float(p.max()),
        rest_rate=rest,
        part_rates=part_rates,
        lift_over_rest=own / rest if rest > 0 else float("inf") if own > 0 else 0.0,
        lift_over_parts=min(own / r if r > 0 else float("inf") for r in part_rates),
    )


def _not_restated(tested: list[_Tested], frame: AttributeFrame) -> set[int]:
    """The material segments that are not a restatement of a stronger one.

    Two conjunctions of different conditions can describe nearly the same customers, or a
    correlated proxy of them (one product flag goes with another). Going from the strongest
    down, a segment is reported only if its customers outside the segments already reported
    still churn above the others outside them; the rest still count in the control as tests
    made.
    """
    churned = frame.churned.astype(float)
    exposure = frame.exposure
    material = sorted(
        (t for t in tested
         if t.p_value < SCREEN_P and t.lift_over_rest >= MIN_LIFT_OVER_REST
         and t.lift_over_parts >= MIN_LIFT_OVER_PARTS),
        key=lambda t: (t.p_value, len(t.parts), -t.stats.size),
    )
    kept: list[_Tested] = []
    covered = np.zeros(len(churned), dtype=bool)
    for candidate in material:
        members = candidate.stats.members
        assert members is not None
        if any(_overlap(candidate.stats, k.stats) >= OVERLAP_SUPPRESS for k in kept):
            continue
        own = members & ~covered
        others = ~members & ~covered
        if int(own.sum()) < MIN_SUPPORT or int(others.sum()) < MIN_SUPPORT:
            continue
        p = rate_greater_p(churned @ own, exposure @ own, churned @ others, exposure @ others)
        if kept and float(p) >= SCREEN_P:
            continue
        kept.append(candidate)
        covered |= members
    return {id(t) for t in kept}


def _overlap(a: _Stats, b: _Stats) -> float:
    assert a.members is not None and b.members is not None
    shared = int((a.members & b.members).sum())
    return shared / max(1, min(a.size, b.size))


def _candidate(
    tested: _Tested, conditions: list[Condition], total: int, reportable: bool
) -> Candidate:
    segment = tuple(conditions[i] for i in tested.parts)
    stats = tested.stats
    own_rate = float(rate(stats.events, stats.exposure))
    churn_segment = float(churn_within(own_rate))
    churn_rest = float(churn_within(tested.rest_rate))
    churn_parts = [float(churn_within(r)) for r in tested.part_rates]
    sources = tuple(sorted({c.source for c in segment}))
    described = " and ".join(_plain_condition(c) for c in segment)

    return Candidate(
        family="invisible_cohort",
        segment=segment,
        metrics=METRICS,
        title=(f"Customers with {described} churn {tested.lift_over_rest:.1f}x as often "
               f"as everyone else"),
        narrative=(
            f"{stats.size:,} customers have {described}. Of customers like them, "
            f"{churn_segment:.0%} would churn within {HORIZON_DAYS} days at their rate, "
            f"against {churn_rest:.0%} for everyone else; each simpler view shows at most "
            f"{max(churn_parts):.0%}, so no single tool's report ({', '.join(sources)} "
            f"alone) reveals it. Attributes are as known {LANDMARK_DAYS} days into each "
            "subscription; churn is counted after that."
        ),
        sources=sources,
        sample_size=stats.size,
        baseline_size=total - stats.size,
        effect_size=churn_segment - churn_rest,
        p_value=tested.p_value,
        customers_affected=stats.active,
        mrr_affected=round(stats.mrr, 2),
        next_step=(f"Reach the {stats.active:,} current customers with {described} "
                   "before their renewal, and find out from a few of them what the "
                   "combination means for how they use the product."),
        evidence={
            "churned": int(stats.events),
            "exposure_days": round(stats.exposure, 1),
            "churn_rate_90d": round(churn_segment, 4),
            "churn_rate_90d_rest": round(churn_rest, 4),
            "churn_rate_90d_parts": [round(c, 4) for c in churn_parts],
            "lift_over_rest": round(tested.lift_over_rest, 3),
            "lift_over_parts": round(tested.lift_over_parts, 3),
            "landmark_days": LANDMARK_DAYS,
        },
        severity_score=min(1.0, max(0.0, churn_segment - churn_rest) * 2),
        reportable=reportable,
    )


def _plain_condition(condition: Condition) -> str:
    if condition.value is True:
        return condition.attribute
    if condition.value is False:
        return f"not {condition.attribute}"
    return condition.describe()
