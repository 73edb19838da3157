"""Every pattern the demo plants lands on customers that exist, in both account models: a
pattern planted on an empty segment could never be found, and the insight recall would
blame the detectors for it."""

from __future__ import annotations

import pytest

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
