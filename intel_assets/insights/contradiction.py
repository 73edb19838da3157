"""Contradictions: marketing's conversions rising while product's activation of them falls.

A channel's team reads its conversions; the product team reads activation. Each sees good
or neutral news on its own dashboard while, for the same customers, one metric rises and
the other collapses: a paid channel buying volume that never activates. For each
acquisition channel, every 30-day window (stepping 10 days) is set against the same
channel's 90 days on either side. Two one-sided tests. Marketing's metric: for a channel
whose ad platform reports conversions, the window's daily conversions against the
neighbours' days (Welch's t-test on the log), since that is the number the channel's owner
watches; for other channels, signups in the window against the neighbours' rate
(binomial, given the total). Product's metric: the window's activation rate against the
neighbours' (Fisher's exact test). The window contradicts when both hold, so its p-value
is the larger of the two (an intersection-union test); the channel's p-value is the best
window's times the number of windows scanned (Bonferroni), because the window was chosen
by looking.

Activation is counted within ACTIVATION_DAYS of signing up, and only for signups at least
that long before the data ends, so recent signups that had no time to activate do not
look like a collapse.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import timedelta

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from intel_assets.insights.candidate import Candidate, Condition
from intel_assets.insights.evidence import json_safe

WINDOW_DAYS = 30
STEP_DAYS = 10
NEIGHBOUR_DAYS = 90
MIN_NEIGHBOUR_DAYS = 30  # on each side: a one-sided neighbourhood would read growth as a rise
ACTIVATION_DAYS = 30
MIN_SIGNUPS = 100
MIN_PLATFORM_DAYS = 60

SIGNUPS_SQL = f"""
with as_of as (
    select as_of_at from identified.int_data_as_of
)
select
    c.customer_id,
    c.acquisition_channel as channel,
    c.signed_up_at,
    coalesce(c.activated_at <= c.signed_up_at + interval {ACTIVATION_DAYS} day, false)
        as activated,
    coalesce(c.mrr, 0)::double as mrr
from marts.customers as c
cross join as_of
where c.acquisition_channel is not null
  and c.signed_up_at is not null
  and c.signed_up_at <= as_of.as_of_at - interval {ACTIVATION_DAYS} day
"""

CONVERSIONS_SQL = """
select channel, spend_date::timestamp as day, sum(conversions)::double as conversions
from intermediate.int_ads__spend
group by all
"""


@dataclass(frozen=True)
class Window:
    """One 30-day window of a channel against its neighbours, and both tests."""

    start: pd.Timestamp
    signups: int
    expected_signups: float
    activation: float
    activation_before: float
    neighbour_signups: int
    p_rise: float
    p_fall: float
    conversion_change: float | None = None  # platform-reported, when the channel has them

    @property
    def p_value(self) -> float:
        return max(self.p_rise, self.p_fall)

    @property
    def end(self) -> pd.Timestamp:
        return self.start + timedelta(days=WINDOW_DAYS)


def detect(con: duckdb.DuckDBPyConnection) -> list[Candidate]:
    """One candidate per acquisition channel with enough signups: its most contradictory
    window, with the scan over windows paid for in its p-value."""
    signups = con.execute(SIGNUPS_SQL).df()
    if signups.empty:
        return []
    conversions = _platform_conversions(con)
    origin = signups["signed_up_at"].min().normalize()
    last = signups["signed_up_at"].max()

    candidates = []
    for channel in sorted(signups["channel"].unique()):
        rows = signups[signups["channel"] == channel]
        if len(rows) < MIN_SIGNUPS:
            continue
        daily = _daily(conversions, channel)
        windows = _windows(rows, origin, last, daily)
        if not windows:
            continue
        candidates.append(_candidate(channel, rows, windows))
    return candidates


def _platform_conversions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What the ad platforms themselves report, when the warehouse has ad data."""
    try:
        return con.execute(CONVERSIONS_SQL).df()
    except duckdb.CatalogException:
        return pd.DataFrame(columns=["channel", "day", "conversions"])


def _daily(conversions: pd.DataFrame, channel: str) -> pd.Series | None:
    """The channel's platform-reported conversions per day, or None when it reports none."""
    rows = conversions[conversions["channel"] == channel]
    if len(rows) < MIN_PLATFORM_DAYS or rows["conversions"].sum() <= 0:
        return None
    return rows.set_index(pd.to_datetime(rows["day"]))["conversions"].astype(float).sort_index()


def _windows(
    rows: pd.DataFrame, origin: pd.Timestamp, last: pd.Timestamp, daily: pd.Series | None
) -> list[Window]:
    days = ((rows["signed_up_at"] - origin).dt.total_seconds() / 86400).to_numpy()
    activated = rows["activated"].to_numpy(dtype=bool)
    span = (last - origin).total_seconds() / 86400
    found = []
    for start in np.arange(MIN_NEIGHBOUR_DAYS, span - WINDOW_DAYS - MIN_NEIGHBOUR_DAYS + 1e-9,
                           STEP_DAYS):
        end = start + WINDOW_DAYS
        side = min(NEIGHBOUR_DAYS, start, span - end)
        inside = (days >= start) & (days < end)
        around = ((days >= start - side) & (days < start)) | ((days >= end) & (days < end + side))
        window = _test(origin + timedelta(days=float(start)), inside, around, activated,
                       WINDOW_DAYS / (WINDOW_DAYS + 2 * side))
        if daily is not None:
            window = _with_platform(window, daily, side)
        found.append(window)
    return found


def _with_platform(window: Window, daily: pd.Series, side: float) -> Window:
    """Marketing's rise judged on the platform's own daily conversions."""
    day = daily.index
    inside = (day >= window.start) & (day < window.end)
    reach = timedelta(days=float(side))
    around = ((day >= window.start - reach) & (day < window.start)) | (
        (day >= window.end) & (day < window.end + reach)
    )
    if inside.sum() < WINDOW_DAYS // 2 or around.sum() < MIN_NEIGHBOUR_DAYS:
        return window
    logs = np.log1p(daily.to_numpy())
    test = stats.ttest_ind(logs[inside], logs[around], equal_var=False, alternative="greater")
    change = float(daily[inside].mean() / max(daily[around].mean(), 1e-9) - 1)
    p_rise = float(test.pvalue) if np.isfinite(test.pvalue) else 1.0
    return replace(window, p_rise=p_rise, conversion_change=change)


def _test(
    start: pd.Timestamp, inside: np.ndarray, around: np.ndarray, activated: np.ndarray,
    share: float,
) -> Window:
    n_in, n_around = int(inside.sum()), int(around.sum())
    total = n_in + n_around
    p_rise = stats.binomtest(n_in, total, share, alternative="greater").pvalue if total else 1.0
    a_in, a_around = int(activated[inside].sum()), int(activated[around].sum())
    if n_in and n_around:
        table = [[a_in, n_in - a_in], [a_around, n_around - a_around]]
        p_fall = stats.fisher_exact(table, alternative="less").pvalue
    else:
        p_fall = 1.0
    return Window(
        start=start,
        signups=n_in,
        expected_signups=n_around * share / (1 - share),
        activation=a_in / n_in if n_in else math.nan,
        activation_before=a_around / n_around if n_around else math.nan,
        neighbour_signups=n_around,
        p_rise=float(p_rise),
        p_fall=float(p_fall),
    )


def _candidate(channel: str, rows: pd.DataFrame, windows: list[Window]) -> Candidate:
    best = min(windows, key=lambda w: w.p_value)
    p_value = min(1.0, best.p_value * len(windows))
    in_window = (rows["signed_up_at"] >= best.start) & (rows["signed_up_at"] < best.end)
    affected = rows[in_window]
    rise = best.signups / best.expected_signups - 1 if best.expected_signups else math.nan
    drop = best.activation_before - best.activation
    platform = best.conversion_change
    marketing = "conversions" if platform is not None else "signups"
    moved = platform if platform is not None else rise
    period = f"{best.start.date()} to {(best.end - timedelta(days=1)).date()}"
    narrative = (
        f"From {period}, {channel} brought {best.signups} signups against about "
        f"{best.expected_signups:.0f} expected from the 90 days either side ({rise:+.0%}), "
        f"while only {best.activation:.0%} of them activated within {ACTIVATION_DAYS} days, "
        f"against {best.activation_before:.0%} of the neighbours' signups. "
    )
    if platform is not None:
        narrative += (
            f"The ad platforms reported {platform:+.0%} conversions over the window against "
            "the same neighbours. "
        )
    narrative += "Marketing sees a good month; product sees the same customers not activating."
    return Candidate(
        family="contradiction",
        segment=(Condition("acquisition_channel", "ads", "=", channel),),
        metrics=(marketing, "activation_rate"),
        title=(
            f"{channel} {marketing} {moved:+.0%} while their activation fell from "
            f"{best.activation_before:.0%} to {best.activation:.0%} ({period})"
        ),
        narrative=narrative,
        sources=("ads", "product"),
        sample_size=best.signups,
        baseline_size=best.neighbour_signups,
        effect_size=float(drop) if np.isfinite(drop) else 0.0,
        p_value=p_value,
        severity_score=float(np.clip(drop, 0.0, 1.0)) if np.isfinite(drop) else 0.0,
        customers_affected=len(affected),
        mrr_affected=float(affected["mrr"].sum()),
        next_step=(
            f"Ask the {channel} owner what changed in targeting or offers from "
            f"{best.start.date()}, and judge the channel on activated signups."
        ),
        evidence=json_safe({
            "period_start": str(best.start.date()),
            "period_end": str(best.end.date()),
            "signups": best.signups,
            "expected_signups": best.expected_signups,
            "signup_change": rise,
            "activation_rate": best.activation,
            "activation_rate_neighbours": best.activation_before,
            "platform_conversion_change": platform,
            "marketing_metric": marketing,
            "p_marketing_rise": best.p_rise,
            "p_activation_fall": best.p_fall,
            "windows_scanned": len(windows),
        }),
    )
