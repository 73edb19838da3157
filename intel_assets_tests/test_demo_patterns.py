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
