"""Every pattern the demo plants lands on customers that exist, in both account models: a
pattern planted on an empty segment could never be found, and the insight recall would
blame the detectors for it."""

from __future__ import annotations

import pandas as pd
import pytest

from intel_assets.demo import catalog
from intel_assets.demo.world import DemoConfig, build_company, simulate_chunk

ACCOUNTS = 400


@pytest.mark.parametrize("consumer", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_each_planted_segment_holds_customers(seed, consumer):
    company = build_company(DemoConfig(customers=ACCOUNTS, seed=seed, consumer=consumer))
    accounts = simulate_chunk(company, 0, 0, ACCOUNTS).accounts

    anomaly, cohort = company.patterns.anomaly, company.patterns.cohort

    assert accounts["in_anomaly_segment"].sum() >= 20, anomaly
    assert accounts["in_cohort"].sum() >= 5, cohort
    for condition in cohort:
        assert (accounts[condition.attribute] == condition.value).sum() >= 20, condition


@pytest.mark.parametrize("seed", range(6))
def test_a_pattern_goes_only_where_the_stacks_tools_can_show_it(seed):
    families = ("product", "ads", "lifecycle", "billing")  # no CRM, no support tool
    company = build_company(DemoConfig(customers=ACCOUNTS, seed=seed, families=families))

    planted = company.patterns.described

    sources = {c.source for p in planted for c in p.segment}
    assert sources <= set(families)
    assert {p.family for p in planted} == {"wrong_signal", "invisible_cohort",
                                            "leading_indicator", "contradiction"}
    assert company.patterns.anomaly is None  # it needs tickets beside sessions
    behaviour = company.patterns.leading_behaviour
    assert behaviour in ("sessions", "report_created", "email_opens")


def test_a_company_without_ads_plants_neither_a_wrong_signal_nor_a_contradiction():
    families = ("product", "crm", "support", "lifecycle", "billing")
    company = build_company(DemoConfig(customers=ACCOUNTS, seed=2, paid_channels=(),
                                       families=families))

    assert {p.family for p in company.patterns.described} == {
        "invisible_cohort", "leading_indicator", "anomaly"}


def _company_planting(behaviour: str, accounts: int):
    """The first seed whose leading indicator is in `behaviour`, and its simulated accounts."""
    for seed in range(40):
        company = build_company(DemoConfig(customers=accounts, seed=seed))
        if company.patterns.leading_behaviour == behaviour:
            return company, simulate_chunk(company, 0, 0, accounts)
    raise AssertionError(f"no seed below 40 plants a change in {behaviour}")


def test_a_drop_in_reports_strikes_only_accounts_that_create_reports():
    _, world = _company_planting("report_created", ACCOUNTS)
    accounts = world.accounts
    onset, adopted = accounts["leading_onset_at"], accounts["adopted_report_created_at"]

    # An adoption after the churn is undone, and so is any change that would follow it.
    struck = onset.notna() & ~(onset >= accounts["churned_at"])
    assert struck.sum() >= 40
    assert adopted[struck].notna().all()
    assert (onset[struck] >= adopted[struck]).all()


def test_a_planted_rise_in_tickets_shows_in_each_struck_account():
    _, world = _company_planting("support_tickets", 2_000)
    accounts = world.accounts.set_index("account_id")
    tickets = world.tickets[world.tickets["category"] != "onboarding"]

    onset = tickets["account_id"].map(accounts["leading_onset_at"])
    after = tickets[onset.notna() & (tickets["created_at"] >= onset)]
    end = accounts["churned_at"].fillna(pd.Timestamp(catalog.END))
    struck_weeks = ((end - accounts["leading_onset_at"]).dt.days / 7).clip(lower=0).sum()
    rise = len(after) / struck_weeks

    calm = accounts["leading_onset_at"].isna()
    calm_tickets = tickets["account_id"].map(calm).astype(bool).sum()
    calm_weeks = ((end - accounts["signup_at"])[calm].dt.days / 7).sum()

    assert rise > 0.2  # tickets a week per struck account: a few a month
    assert rise > 10 * calm_tickets / calm_weeks
