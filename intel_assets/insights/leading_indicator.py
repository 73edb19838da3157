"""Leading indicators: behaviour changes that come before churn, and how long before.

Two questions per behaviour. Does a change in it precede churn? For every customer and
week, the last four weeks of the behaviour are set against the customer's own usual rate
(its weekly mean after its first weeks, before those four), and the outcome is whether it
churns in the following 13 weeks. A logistic regression of that churn on the size of the
change, holding the account's age fixed and with standard errors clustered by customer
(one customer's weeks are not independent), gives a one-sided p-value in the harmful
direction. The change is measured against the customer's own past rather than as a level,
because a low level mostly says who the customer always was (a small, quiet account), not
that something changed.

And how long before? Runs of weeks where the behaviour has halved (or doubled, for
support load) date each change; the churn hazard in the weeks after it, relative to
customer-weeks without a change, is fitted as a step from one ratio to another, and the
lag of the best step is the lead time: how long after the change the risk jumps. Churn
that is decided at renewals rather than on the day lands the step up to a billing period
after the risk really rose, so the estimate reads late by about half a period there.

The same detector also reports segments whose predicted risk rises before their churn
does (`risk_rise`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from intel_assets.insights.candidate import Candidate
from intel_assets.insights.evidence import json_safe, percent
from intel_assets.insights.risk_rise import risk_rise_candidates
from intel_assets.insights.weekly import WeeklyActivity, load_weekly_activity

HORIZON_WEEKS = 13
CHANGE_RATIO = 2.0  # a behaviour "changed" when it at least halved (or doubled)
RECENT_WEEKS = 4
BASELINE_WEEKS = 6  # weeks of the customer's own history needed before a change means much
# A new account's first weeks are not its usual rate: teammates join over the first month
# or two and onboarding emails come in a burst, so its usual rate is counted after them.
RAMP_WEEKS = 4
SAMPLE_EVERY_WEEKS = 2  # consecutive weeks overlap almost entirely; every other one is enough
MIN_BASELINE_COUNT = 1.0  # a drop needs at least this many events expected in four weeks
MIN_ROWS = 200
MIN_EVENTS = 20
MAX_LAG_WEEKS = 26
# Below this many events per customer-week a change cannot be dated to within a few weeks
# (a month of support tickets is zero, one or two), so no lead time is claimed for it. The
# rate that dates a drop is the one before it (the last events before the quiet); the rate
# that dates a rise is the one after it (the first events of the new load).
MIN_RATE_FOR_LEAD = 0.25
WEEKS_AFTER_RISE = 8  # weeks after a rise whose rate says whether it lasted


@dataclass(frozen=True)
class Behaviour:
    """A measure the marts keep per customer, its tool family, and which way is harm."""

    name: str
    source: str
    harm: int  # -1: a fall is harmful; +1: a rise is
    label: str


BEHAVIOURS: tuple[Behaviour, ...] = (
    Behaviour("events", "product", -1, "product events"),
    Behaviour("sessions", "product", -1, "sessions"),
    Behaviour("reports_created", "product", -1, "reports created"),
    Behaviour("dashboards_shared", "product", -1, "dashboards shared"),
    Behaviour("integrations_connected", "product", -1, "integrations connected"),
    Behaviour("data_exports", "product", -1, "data exports"),
    Behaviour("tickets", "support", 1, "support tickets"),
    Behaviour("emails_opened", "lifecycle", -1, "email opens"),
    Behaviour("emails_clicked", "lifecycle", -1, "email clicks"),
)


@dataclass(frozen=True)
class Changes:
    """Per customer-week: how far the last four weeks moved from the customer's usual rate.

    `score` is the standardised binomial deviation of the last four weeks' share of all the
    customer's events so far from their share of its weeks, signed towards harm. Given the
    total it has mean zero when nothing changed, whatever the customer's activity level, so
    quiet customers (who churn more for reasons of their own) do not pass for changed ones
    the way a log ratio of small counts would make them. `ratio` is the log ratio of the
    last four weeks to the usual rate, signed towards harm, for saying "halved".
    """

    score: np.ndarray
    ratio: np.ndarray
    usual: np.ndarray  # the customer's usual events per week, before the last four weeks
    eligible: np.ndarray  # the week has enough history to measure a change

    @property
    def changed(self) -> np.ndarray:
        return self.eligible & (self.ratio >= math.log(CHANGE_RATIO))


@dataclass(frozen=True)
class LeadTime:
    weeks: int | None
    hazard_ratio_before: float
    hazard_ratio_after: float
    changed_customers: int


def detect(con: duckdb.DuckDBPyConnection) -> list[Candidate]:
    """Every behaviour tested, plus every segment's risk trend when scores exist."""
    weekly = load_weekly_activity(con, tuple(b.name for b in BEHAVIOURS))
    mrr = weekly.customers.set_index("customer_id")["mrr"]

    candidates = []
    for behaviour in BEHAVIOURS:
        found = _behaviour_candidate(behaviour, weekly, mrr)
        if found is not None:
            candidates.append(found)

    candidates.extend(risk_rise_candidates(con, mrr))
    return candidates


def behaviour_changes(weekly: WeeklyActivity, behaviour: Behaviour) -> Changes:
    """The last four weeks against four times the customer's weekly mean before them.

    The usual rate is the mean over the weeks from RAMP_WEEKS after joining up to the last
    four weeks, and needs at least BASELINE_WEEKS of them.
    """
    counts = weekly.counts[behaviour.name]
    cumulative = _cumulative(counts)
    first = weekly.customers["first_week"].to_numpy() + RAMP_WEEKS
    end = weekly.customers["end_week"].to_numpy()[:, None]
    week = np.arange(weekly.weeks)[None, :]

    start = np.clip(week[0] - RECENT_WEEKS, 0, None)
    recent = cumulative[:, week[0]] - cumulative[:, start]
    joined = cumulative[np.arange(len(first)), first.clip(0, weekly.weeks)][:, None]
    base_weeks = start[None, :] - first[:, None]
    expected = RECENT_WEEKS * (cumulative[:, start] - joined) / np.maximum(base_weeks, 1)

    eligible = (base_weeks >= BASELINE_WEEKS) & (week <= end)
    if behaviour.harm < 0:
        eligible &= expected >= MIN_BASELINE_COUNT
    expected = np.where(eligible, expected, 0.0)
    recent = np.where(eligible, recent, 0.0)

    total = recent + np.where(eligible, cumulative[:, start] - joined, 0.0)
    share = RECENT_WEEKS / np.maximum(RECENT_WEEKS + base_weeks, 1)
    spread = np.sqrt(np.maximum(total * share * (1 - share), 1e-12))
    score = np.where(total > 0, behaviour.harm * (recent - total * share) / spread, 0.0)
    ratio = behaviour.harm * (np.log1p(recent) - np.log1p(expected))
    usual = expected / RECENT_WEEKS
    return Changes(score, np.where(eligible, ratio, 0.0), usual, eligible)


def _behaviour_candidate(
    behaviour: Behaviour, weekly: WeeklyActivity, mrr: pd.Series
) -> Candidate | None:
    changes = behaviour_changes(weekly, behaviour)
    end = weekly.customers["end_week"].to_numpy()[:, None]
    churned = weekly.customers["churned"].to_numpy()[:, None]
    week = np.arange(weekly.weeks)[None, :]

    # The outcome is known once 13 weeks have passed, or the customer has churned.
    churns_soon = churned & (end - week < HORIZON_WEEKS)
    known = (week + HORIZON_WEEKS <= weekly.weeks) | churns_soon
    rows = changes.eligible & known & (week % SAMPLE_EVERY_WEEKS == 0)
    x = changes.score[rows]
    flagged = changes.changed[rows]
    y = np.broadcast_to(churns_soon, rows.shape)[rows].astype(float)
    groups = np.broadcast_to(np.arange(rows.shape[0])[:, None], rows.shape)[rows]
    tenure = (week - weekly.customers["first_week"].to_numpy()[:, None])
    tenure = np.broadcast_to(tenure, rows.shape)[rows].astype(float)
    if len(y) < MIN_ROWS or y.sum() < MIN_EVENTS or (len(y) - y.sum()) < MIN_EVENTS:
        return None

    coefficient, p_value = _clustered_logit(x, y, groups, _tenure_terms(tenure))
    changed = flagged
    lead = lead_time(weekly, changes, weekly.counts[behaviour.name], rise=behaviour.harm > 0)
    affected = _currently_changed(weekly, changes)
    return _candidate(
        behaviour, p_value=p_value, coefficient=coefficient,
        rate_changed=_mean(y[changed]), rate_steady=_mean(y[~changed]),
        n_changed=int(changed.sum()), n=len(y), lead=lead, affected=affected, mrr=mrr,
    )


def _tenure_terms(tenure_weeks: np.ndarray) -> np.ndarray:
    """Young accounts churn more and their behaviour still settles (the onboarding emails
    end, teammates arrive), which would tie a change to churn through age alone; the
    regression holds age fixed with a log term."""
    return np.log1p(tenure_weeks)[:, None]


def _clustered_logit(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, controls: np.ndarray | None = None
) -> tuple[float, float]:
    """Slope of churn on the change, one-sided towards harm, clustered by customer."""
    if np.std(x) == 0:
        return 0.0, 1.0
    columns = [x] if controls is None else [x, controls]
    design = sm.add_constant(np.column_stack(columns), has_constant="add")
    try:
        fit = sm.Logit(y, design).fit(
            disp=0, cov_type="cluster", cov_kwds={"groups": groups}, maxiter=100
        )
    except (np.linalg.LinAlgError, sm.tools.sm_exceptions.PerfectSeparationError):
        return 0.0, 1.0
    coefficient, se = float(fit.params[1]), float(fit.bse[1])
    if not np.isfinite(se) or se <= 0:
        return coefficient, 1.0
    return coefficient, float(stats.norm.sf(coefficient / se))


def _currently_changed(weekly: WeeklyActivity, changes: Changes) -> list[str]:
    """Customers still here whose last full week shows the change: the ones to reach now."""
    alive = ~weekly.customers["churned"].to_numpy()
    hit = alive & changes.changed[:, -1]
    return weekly.customers["customer_id"].to_numpy()[hit].tolist()


def lead_time(
    weekly: WeeklyActivity, changes: Changes, counts: np.ndarray, *, rise: bool = False
) -> LeadTime:
    """Weeks from a customer's behaviour change to the step in its churn hazard.

    A change is found at each week where a run of changed weeks starts, confirmed by the
    week after; runs, not only a customer's first, because with sparse behaviours chance
    alone halves a quiet month now and then, and the first run would often be one of
    those. The four-week window only shows a halving some weeks after the behaviour
    moved, so the change is dated back to its most likely week (`_dated_onsets`). Each
    changed customer enters the life table when it was seen to be alive (the confirming
    week), counted from that date. Customer-weeks without a change give the baseline
    hazard at each lag; the changed customers' hazard relative to it is fitted as a step
    from one ratio to another, and the lag of the best step by Poisson likelihood is the
    lead time. A behaviour gets none when its changes cannot be dated closely enough for the
    lag to mean anything (`_datable`), and the finding then says only that the change
    precedes churn.
    """
    changed = changes.changed
    if weekly.weeks < 2 * MAX_LAG_WEEKS // 3 or not changed.any():
        return LeadTime(None, math.nan, math.nan, 0)
    confirmed = changed[:, :-1] & changed[:, 1:]
    previous = np.concatenate([np.zeros((changed.shape[0], 1), bool), changed[:, :-2]], axis=1)
    who, seen = np.nonzero(confirmed & ~previous)
    cumulative = _cumulative(counts)
    if not _datable(weekly, changes, cumulative, who, seen, rise=rise):
        return LeadTime(None, math.nan, math.nan, 0)
    onset = _dated_onsets(cumulative, who, seen, changes.usual[who, seen])

    end = weekly.customers["end_week"].to_numpy()
    churned = weekly.customers["churned"].to_numpy()
    week = np.arange(weekly.weeks)[None, :]
    steady = changes.eligible & ~changed & (week % SAMPLE_EVERY_WEEKS == 0)
    time = np.broadcast_to(end[:, None] - week, changed.shape)[steady]
    at_risk_base, events_base = _life_table(
        np.zeros_like(time), time, np.broadcast_to(churned[:, None], changed.shape)[steady]
    )
    at_risk, events = _life_table(seen + 2 - onset, end[who] - onset, churned[who])
    expected = at_risk * events_base / np.maximum(at_risk_base, 1)
    weeks, before, after = _step(events, expected)
    return LeadTime(weeks, before, after, len(np.unique(who)))


def _cumulative(counts: np.ndarray) -> np.ndarray:
    """Each customer's running total of weekly counts, from 0 before its first week, so
    that the count over weeks [a, b) is `cumulative[:, b] - cumulative[:, a]`."""
    return np.concatenate([np.zeros((counts.shape[0], 1)), counts.cumsum(axis=1)], axis=1)


def _datable(
    weekly: WeeklyActivity, changes: Changes, cumulative: np.ndarray, who: np.ndarray,
    seen: np.ndarray, *, rise: bool,
) -> bool:
    """Whether the behaviour is busy enough, on the side of the change that dates it.

    A drop is dated by the usual rate before it: the median customer's must reach
    MIN_RATE_FOR_LEAD. A rise is dated by the rate after it, over the WEEKS_AFTER_RISE weeks
    that follow the week it was confirmed: a lasting rise keeps the new load, while a quiet
    customer's chance pair of tickets falls back to nothing. The mean over the changes
    counts both, so it passes only when lasting rises are common among them.
    """
    if not rise:
        return float(np.median(changes.usual[changes.eligible])) >= MIN_RATE_FOR_LEAD
    end = weekly.customers["end_week"].to_numpy()[who]
    start = seen + 2
    stop = np.minimum(start + WEEKS_AFTER_RISE, np.minimum(end + 1, weekly.weeks))
    weeks = stop - start
    followed = weeks >= WEEKS_AFTER_RISE // 2
    if not followed.any():
        return False
    after = cumulative[who, stop] - cumulative[who, np.minimum(start, stop)]
    return float((after[followed] / weeks[followed]).mean()) >= MIN_RATE_FOR_LEAD


def _dated_onsets(
    cumulative: np.ndarray, who: np.ndarray, seen: np.ndarray, usual: np.ndarray
) -> np.ndarray:
    """The week each change most likely began: a Poisson split of the weeks before `seen`.

    Weeks before the split keep the customer's usual rate; weeks from it run at their own
    mean. The split is searched over the two trend windows before the week it was seen.
    """
    span = 2 * RECENT_WEEKS
    usual = np.maximum(usual, 1e-9)
    total = cumulative[who, seen] - cumulative[who, np.clip(seen - span, 0, None)]
    best = np.full(len(who), -np.inf)
    onset = seen - RECENT_WEEKS
    for back in range(1, span + 1):
        recent = cumulative[who, seen] - cumulative[who, np.clip(seen - back, 0, None)]
        rate = recent / back
        loglik = np.where(recent > 0, recent * np.log(np.maximum(rate, 1e-12)), 0.0) - recent
        loglik += (total - recent) * np.log(usual) - usual * (span - back)
        better = loglik > best
        best = np.where(better, loglik, best)
        onset = np.where(better, seen - back, onset)
    return onset


def _life_table(
    entry: np.ndarray, time: np.ndarray, event: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """At-risk counts and churn events at each lag 0..MAX_LAG_WEEKS-1 after a date.

    A row is at risk from lag `entry` to lag `time`, and churns at `time` when `event`.
    """
    lags = MAX_LAG_WEEKS
    entry = np.asarray(entry, dtype=int).clip(0)
    time = np.asarray(time, dtype=int).clip(0)
    event = np.asarray(event, dtype=bool)
    keep = time >= entry
    entry, time, event = entry[keep], time[keep], event[keep]
    starts = np.bincount(np.clip(entry, 0, lags), minlength=lags + 1)[:lags]
    leaves = np.bincount(np.clip(time + 1, 0, lags), minlength=lags + 1)[:lags]
    at_risk = (starts.cumsum() - leaves.cumsum()).astype(float)
    events = np.bincount(time[event & (time < lags)], minlength=lags)[:lags].astype(float)
    return at_risk, events


def _step(events: np.ndarray, expected: np.ndarray) -> tuple[int | None, float, float]:
    """The lag where the observed-to-expected churn ratio steps up, by Poisson likelihood."""
    best: tuple[float, int, float, float] | None = None
    for lag in range(1, len(events) - 1):
        if expected[:lag].sum() <= 0:
            continue  # nobody was yet seen to be at risk: the data cannot place a step here
        before = _ratio(events[:lag], expected[:lag])
        after = _ratio(events[lag:], expected[lag:])
        if after <= before:
            continue
        loglik = _poisson_loglik(events[:lag], expected[:lag] * before) + _poisson_loglik(
            events[lag:], expected[lag:] * after
        )
        if best is None or loglik > best[0]:
            best = (loglik, lag, before, after)
    if best is None:
        return None, math.nan, math.nan
    return best[1], best[2], best[3]


def _ratio(events: np.ndarray, expected: np.ndarray) -> float:
    total = expected.sum()
    return float(events.sum() / total) if total > 0 else 0.0


def _poisson_loglik(events: np.ndarray, mean: np.ndarray) -> float:
    mean = np.maximum(mean, 1e-12)
    return float((events * np.log(mean) - mean).sum())


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else math.nan


def _candidate(
    behaviour: Behaviour, *, p_value: float, coefficient: float, rate_changed: float,
    rate_steady: float, n_changed: int, n: int, lead: LeadTime, affected: list[str],
    mrr: pd.Series,
) -> Candidate:
    direction = "fall" if behaviour.harm < 0 else "rise"
    word = "halved" if behaviour.harm < 0 else "doubled"
    lead_text = (
        f"about {lead.weeks} weeks before churn risk jumps"
        if lead.weeks is not None else "before churn"
    )
    title = f"{behaviour.label.capitalize()} {direction} {lead_text}"
    narrative = (
        f"Customers whose {behaviour.label} over four weeks {word} against their own usual "
        f"rate churned within {HORIZON_WEEKS} weeks {percent(rate_changed)} of the time, "
        f"against {percent(rate_steady)} otherwise ({n_changed:,} of {n:,} customer-weeks). "
    )
    if lead.weeks is not None:
        narrative += (
            f"After such a change the churn hazard stays near {lead.hazard_ratio_before:.1f}x "
            f"the steady customers' for {lead.weeks} weeks, then rises to "
            f"{lead.hazard_ratio_after:.1f}x. "
        )
    narrative += f"{len(affected):,} current customers show the change in the last week."
    effect = rate_changed - rate_steady if n_changed else 0.0
    return Candidate(
        family="leading_indicator",
        segment=(),
        metrics=(behaviour.name, f"churned_within_{HORIZON_WEEKS}w"),
        title=title,
        narrative=narrative,
        sources=(behaviour.source, "billing"),
        sample_size=n_changed,
        baseline_size=n - n_changed,
        effect_size=float(effect) if np.isfinite(effect) else 0.0,
        p_value=float(min(1.0, max(0.0, p_value))),
        severity_score=float(np.clip(effect, 0.0, 1.0)) if np.isfinite(effect) else 0.0,
        customers_affected=len(affected),
        mrr_affected=float(mrr.reindex(affected).fillna(0).sum()),
        next_step=(
            f"Alert the account owner when a customer's {behaviour.label} {word}, and reach "
            + (f"out within {lead.weeks} weeks, before the risk jumps."
               if lead.weeks is not None else "out while the customer is still there.")
        ),
        evidence=json_safe({
            "behaviour": behaviour.name,
            "direction": direction,
            "logit_coefficient": coefficient,
            "churn_rate_after_change": rate_changed,
            "churn_rate_steady": rate_steady,
            "customer_weeks_changed": n_changed,
            "customer_weeks": n,
            "lead_weeks": lead.weeks,
            "lead_days": None if lead.weeks is None else 7 * lead.weeks,
            "hazard_ratio_before_lead": lead.hazard_ratio_before,
            "hazard_ratio_after_lead": lead.hazard_ratio_after,
            "customers_with_weekly_change": lead.changed_customers,
        }),
    )
