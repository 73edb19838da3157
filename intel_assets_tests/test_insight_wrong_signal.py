"""The wrong-signal detector on hand-built channel performance where the answer is known."""

from __future__ import annotations

import pytest

from intel_assets.insights import wrong_signal
from intel_assets.insights.control import q_values
from intel_assets_tests.conftest import SEEDS
from intel_assets_tests.insight_helpers import campaign_marts

FAIR = [
    ("google_ads", "Brand", 180.0, 300, 0.25),
    ("google_ads", "Generic", 200.0, 250, 0.25),
    ("google_ads", "Competitors", 220.0, 200, 0.25),
    ("meta_ads", "Lookalike", 150.0, 300, 0.25),
    ("meta_ads", "Interest", 170.0, 250, 0.25),
    ("linkedin_ads", "ABM", 350.0, 200, 0.25),
]


def _significant(con):
    candidates = wrong_signal.detect(con)
    q = q_values([c.p_value for c in candidates])
    return candidates, [c for qq, c in zip(q, candidates, strict=True)
                        if qq < 0.05 and c.reportable]


@pytest.mark.parametrize("seed", SEEDS)
def test_a_cheap_campaign_whose_customers_leave_is_a_wrong_signal(warehouse, seed):
    campaign_marts(warehouse, [*FAIR, ("google_ads", "Remarketing", 120.0, 250, 0.65)], seed)

    candidates, found = _significant(warehouse)

    assert [c.segment[0].value for c in found] == ["Remarketing"]
    finding = found[0]
    assert finding.segment[0].attribute == "acquisition_campaign"
    assert finding.metrics == ("cpa", "churn_rate_90d", "retention_adjusted_cac")
    assert finding.evidence["cpa_rank"] == 1
    assert finding.evidence["retention_adjusted_cac_rank"] > 1
    assert 0.3 < finding.effect_size < 0.5
    assert len(candidates) == len(FAIR) + 1 + 3  # every campaign and channel was tested


def test_a_campaign_cheap_even_after_retention_is_caught_by_its_revenue(warehouse):
    campaign_marts(warehouse, [*FAIR, ("google_ads", "Bargain", 60.0, 250, 0.5)], SEEDS[0])

    _, found = _significant(warehouse)

    assert [c.segment[0].value for c in found] == ["Bargain"]
    assert found[0].evidence["retention_adjusted_cac_rank"] == 1
    assert found[0].evidence["revenue_per_customer_rank"] > 1


@pytest.mark.parametrize("seed", SEEDS)
def test_an_expensive_campaign_that_churns_is_no_wrong_signal(warehouse, seed):
    campaign_marts(warehouse, [*FAIR, ("linkedin_ads", "Costly", 600.0, 250, 0.55)], seed)

    candidates, found = _significant(warehouse)

    costly = next(c for c in candidates if c.segment[0].value == "Costly")
    assert costly.p_value < 1e-6  # the churn is real, and counted in the control...
    assert found == []  # ...but a dear campaign's CPA never said it was good


@pytest.mark.parametrize("seed", SEEDS)
def test_campaigns_that_differ_only_by_chance_give_nothing(warehouse, seed):
    campaign_marts(warehouse, [*FAIR, ("google_ads", "Remarketing", 90.0, 250, 0.25)], seed)

    _, found = _significant(warehouse)

    assert found == []
