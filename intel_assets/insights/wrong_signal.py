"""Wrong signals: paid campaigns and channels that look cheap by CPA but keep few customers.

Marketing ranks campaigns by cost per acquisition; billing knows who stayed. For every paid
campaign (and every paid channel) the share of its customers who churned within 90 days
is tested against the share for every other paid campaign (channel) with a one-sided
Fisher exact test, among customers acquired at least 90 days before the data ends. A
campaign is a finding when it looks cheap (CPA at or below the median of its own
platform's campaigns, or of all paid campaigns) yet ranks worse by retention-adjusted CAC
or by revenue per acquired customer than by CPA among those same peers, and churns
significantly more: its cheapness is the wrong signal. Platforms price differently, so a
campaign at half its platform's usual cost may still be dear next to another platform's
campaigns; a marketer makes both comparisons. Every campaign is returned with its p-value,
the dear ones included, so the run's false-discovery control counts each test made.

Retention is judged at 90 days only: a campaign whose customers leave in their fifth month
is not seen here, and one acquired less than 90 days ago is not judged at all. Revenue per
acquired customer is to date, so a campaign launched late looks poorer than it is.
"""

from __future__ import annotations

from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import fisher_exact

from intel_assets.insights.candidate import Candidate, Condition

METRICS = ("cpa", "churn_rate_90d", "retention_adjusted_cac")
MIN_ELIGIBLE = 20  # customers old enough to have a 90-day outcome
MIN_CHURN_RATIO = 1.2  # below this the gap is not worth a finding, however sure it is

GROUPS_SQL = """
with performance as (
    select * from marts.channel_performance
),
customers as (
    select acquisition_channel, acquisition_campaign, mrr, is_churned
    from marts.customers
)
select
    p.channel,
    p.campaign_name,
    sum(p.spend)::double as spend,
    sum(p.customers_acquired)::bigint as customers_acquired,
    sum(p.eligible_90d)::bigint as eligible_90d,
    sum(p.retained_90d)::bigint as retained_90d,
    sum(p.revenue_to_date)::double as revenue_to_date,
    max(c.active_customers)::bigint as active_customers,
    max(c.active_mrr)::double as active_mrr
from performance as p
left join (
    select acquisition_channel, acquisition_campaign,
           count(*) filter (where not is_churned) as active_customers,
           coalesce(sum(mrr), 0) as active_mrr
    from customers
    group by acquisition_channel, acquisition_campaign
) as c
    on c.acquisition_channel = p.channel
    and c.acquisition_campaign is not distinct from p.campaign_name
group by p.channel, p.campaign_name
having sum(p.spend) > 0
"""


def detect(con: duckdb.DuckDBPyConnection) -> list[Candidate]:
    campaigns = con.execute(GROUPS_SQL).df()
    campaigns = campaigns[campaigns["campaign_name"].notna()]
    channels = _by_channel(campaigns)

    by_campaign = _test_groups(campaigns, "acquisition_campaign", "campaign_name", "campaign")
    by_channel = _test_groups(channels, "acquisition_channel", "channel", "channel")
    return by_campaign + _not_explained(by_channel, by_campaign, campaigns)


def _not_explained(
    channels: list[Candidate], campaigns: list[Candidate], table: pd.DataFrame
) -> list[Candidate]:
    """A channel whose poor retention comes from one flagged campaign is that campaign's
    finding told again: the channel stays reportable only if its other campaigns, on their
    own, still churn more than every other paid campaign."""
    flagged = {c.segment[0].value for c in campaigns if c.reportable and c.p_value < 0.05}
    if not flagged:
        return channels
    kept = table[~table["campaign_name"].isin(flagged)]
    pool_churned = int((kept["eligible_90d"] - kept["retained_90d"]).sum())
    pool_eligible = int(kept["eligible_90d"].sum())
    result = []
    for candidate in channels:
        channel = candidate.segment[0].value
        own = kept[kept["channel"] == channel]
        if not candidate.reportable or len(own) == len(table[table["channel"] == channel]):
            result.append(candidate)
            continue
        eligible = int(own["eligible_90d"].sum())
        churned = eligible - int(own["retained_90d"].sum())
        rest_eligible, rest_churned = pool_eligible - eligible, pool_churned - churned
        still = eligible >= MIN_ELIGIBLE and rest_eligible >= MIN_ELIGIBLE and fisher_exact(
            [[churned, eligible - churned], [rest_churned, rest_eligible - rest_churned]],
            alternative="greater").pvalue < 0.05
        result.append(candidate if still else replace(candidate, reportable=False))
    return result


def _by_channel(campaigns: pd.DataFrame) -> pd.DataFrame:
    numeric = ["spend", "customers_acquired", "eligible_90d", "retained_90d",
               "revenue_to_date", "active_customers", "active_mrr"]
    return campaigns.groupby("channel", as_index=False)[numeric].sum()


def _test_groups(
    groups: pd.DataFrame, attribute: str, column: str, noun: str
) -> list[Candidate]:
    """Tests each group against the pool of every other group of the same kind."""
    groups = groups[groups["eligible_90d"] >= MIN_ELIGIBLE].copy()
    if len(groups) < 2:
        return []

    groups["churned_90d"] = groups["eligible_90d"] - groups["retained_90d"]
    groups["churn_90d"] = groups["churned_90d"] / groups["eligible_90d"]
    groups["cpa"] = groups["spend"] / groups["customers_acquired"].where(
        groups["customers_acquired"] > 0)
    groups["ra_cac"] = groups["cpa"] / (1 - groups["churn_90d"]).where(groups["churn_90d"] < 1)
    groups["revenue_per_customer"] = groups["revenue_to_date"] / groups[
        "customers_acquired"].where(groups["customers_acquired"] > 0)
    _rank(groups, groups["channel"] if attribute == "acquisition_campaign" else None)

    total_churned = int(groups["churned_90d"].sum())
    total_eligible = int(groups["eligible_90d"].sum())
    found: list[Candidate] = []
    for row in groups.itertuples(index=False):
        rest_churned = total_churned - int(row.churned_90d)
        rest_eligible = total_eligible - int(row.eligible_90d)
        if rest_eligible < MIN_ELIGIBLE:
            continue
        table = [[int(row.churned_90d), int(row.retained_90d)],
                 [rest_churned, rest_eligible - rest_churned]]
        p_value = float(fisher_exact(table, alternative="greater").pvalue)
        rest_churn = rest_churned / rest_eligible
        found.append(_candidate(
            row, attribute=attribute, name=str(getattr(row, column)), noun=noun,
            p_value=p_value, rest_churn=rest_churn, baseline_size=rest_eligible,
        ))
    return found


def _rank(groups: pd.DataFrame, platform: pd.Series | None) -> None:
    """CPA and retention-adjusted CAC ranks among all groups and within each platform."""
    scopes = {"all": pd.Series("all", index=groups.index)}
    if platform is not None:
        scopes["platform"] = platform
    for scope, keys in scopes.items():
        by = groups.groupby(keys)
        groups[f"{scope}_cpa_rank"] = by["cpa"].rank(method="min")
        groups[f"{scope}_ra_cac_rank"] = by["ra_cac"].rank(method="min", na_option="bottom")
        groups[f"{scope}_revenue_rank"] = by["revenue_per_customer"].rank(
            method="min", ascending=False, na_option="bottom")
        groups[f"{scope}_peers"] = by["cpa"].transform("size")
        groups[f"{scope}_cheap"] = (groups["cpa"] <= by["cpa"].transform("median")) & (
            groups[f"{scope}_peers"] >= 2)
        other_spend = by["spend"].transform("sum") - groups["spend"]
        other_acquired = by["customers_acquired"].transform("sum") - groups["customers_acquired"]
        groups[f"{scope}_others_cpa"] = other_spend / other_acquired.where(other_acquired > 0)


def _wrong_scope(row) -> str | None:
    """The peer group in which the group looks cheap yet ranks worse once retention or
    revenue counts."""
    for scope in ("platform", "all"):
        if not getattr(row, f"{scope}_cheap", False):
            continue
        cpa_rank = getattr(row, f"{scope}_cpa_rank")
        if (getattr(row, f"{scope}_ra_cac_rank") > cpa_rank
                or getattr(row, f"{scope}_revenue_rank") > cpa_rank):
            return scope
    return None


def _candidate(
    row, *, attribute: str, name: str, noun: str, p_value: float, rest_churn: float,
    baseline_size: int,
) -> Candidate:
    scope = _wrong_scope(row)
    shown = scope or "all"
    peers = (f"{row.channel}'s {int(row.platform_peers)} campaigns" if shown == "platform"
             else f"{int(row.all_peers)} paid {noun}s")
    others = (f"{row.channel}'s other campaigns" if shown == "platform"
              else f"the other paid {noun}s")
    rest_cpa = float(getattr(row, f"{shown}_others_cpa"))
    cpa_rank = int(getattr(row, f"{shown}_cpa_rank"))
    ra_cac_rank = int(getattr(row, f"{shown}_ra_cac_rank"))
    revenue_rank = int(getattr(row, f"{shown}_revenue_rank"))
    ratio = row.churn_90d / rest_churn if rest_churn > 0 else np.inf
    cheaper_by = 1 - row.cpa / rest_cpa if rest_cpa > 0 else 0.0
    revenue_per_customer = float(row.revenue_per_customer)

    return Candidate(
        family="wrong_signal",
        segment=(Condition(attribute, "ads", "=", name),),
        metrics=METRICS,
        title=(f"{noun.capitalize()} {name!r} is cheap to acquire from, but "
               f"{row.churn_90d:.0%} of its customers churn within 90 days"),
        narrative=(
            f"Customers from {noun} {name!r} cost {cheaper_by:.0%} less to acquire "
            f"(CPA {row.cpa:,.0f} against {rest_cpa:,.0f} for {others}), but "
            f"{row.churn_90d:.0%} of them churn within 90 days, against {rest_churn:.0%} "
            f"for every other paid {noun}: among {peers} it ranks {cpa_rank} by CPA, "
            f"{ra_cac_rank} by retention-adjusted CAC ({row.ra_cac:,.0f}) and "
            f"{revenue_rank} by revenue per acquired customer ({revenue_per_customer:,.0f})."
        ),
        sources=("ads", "billing"),
        sample_size=int(row.eligible_90d),
        baseline_size=int(baseline_size),
        effect_size=float(row.churn_90d - rest_churn),
        p_value=min(1.0, max(0.0, p_value)),
        customers_affected=int(row.active_customers or 0),
        mrr_affected=round(float(row.active_mrr or 0.0), 2),
        next_step=(f"Judge {noun} {name!r} by retention-adjusted CAC rather than CPA before "
                   "moving budget to it, and check what its audience expected from the "
                   "product."),
        evidence={
            "cpa": round(float(row.cpa), 2),
            "cpa_others": round(float(rest_cpa), 2),
            "retention_adjusted_cac": (round(float(row.ra_cac), 2)
                                       if np.isfinite(row.ra_cac) else None),
            "churn_rate_90d": round(float(row.churn_90d), 4),
            "churn_rate_90d_others": round(float(rest_churn), 4),
            "cpa_rank": cpa_rank,
            "retention_adjusted_cac_rank": ra_cac_rank,
            "revenue_per_customer_rank": revenue_rank,
            "peer_group": shown,
            "spend": round(float(row.spend), 2),
            "customers_acquired": int(row.customers_acquired),
            "revenue_per_customer": round(float(revenue_per_customer), 2),
        },
        severity_score=float(min(1.0, max(0.0, row.churn_90d - rest_churn) * 2)),
        reportable=scope is not None and ratio >= MIN_CHURN_RATIO,
    )
