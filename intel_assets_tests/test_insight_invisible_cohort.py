"""The invisible-cohort search on hand-built marts where the answer is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from intel_assets.insights import invisible_cohort
from intel_assets.insights.attributes import load_attribute_frame
from intel_assets.insights.control import q_values
from intel_assets_tests.conftest import SEEDS
from intel_assets_tests.insight_helpers import customers_frame, write_customer_marts

N = 3000


def _findings(con):
    candidates = invisible_cohort.detect(con)
    q = q_values([c.p_value for c in candidates])
    found = [(float(qq), c) for qq, c in zip(q, candidates, strict=True)
             if qq < 0.05 and c.reportable]
    return candidates, sorted(found, key=lambda pair: pair[0])


def _segment(candidate) -> set[tuple[str, object]]:
    return {(c.attribute, c.value) for c in candidate.segment}


def _simpson(frame: pd.DataFrame) -> np.ndarray:
    """Starter customers with an onboarding ticket churn four times as fast, while starter
    customers without one churn at half the rate: starter alone looks no worse than
    anyone, and neither does an onboarding ticket."""
    starter = (frame["plan"] == "starter").to_numpy()
    ticket = frame["has_onboarding_ticket"].to_numpy()
    return np.where(starter & ticket, 4.0, np.where(starter | ticket, 0.6, 1.0))


@pytest.mark.parametrize("seed", SEEDS)
def test_a_cross_source_cohort_hidden_in_the_aggregate_is_found_first(warehouse, seed):
    frame = customers_frame(seed, N, _simpson)
    write_customer_marts(warehouse, frame)

    starter = frame[frame["plan"] == "starter"]
    overall = frame["is_churned"].mean()
    assert starter["is_churned"].mean() < overall * 1.15  # the single view shows little

    _, found = _findings(warehouse)
    assert found, "the planted cohort was not significant"
    top = found[0][1]
    assert _segment(top) == {("plan", "starter"), ("has_onboarding_ticket", True)}
    assert set(top.sources) == {"billing", "support"}
    assert top.effect_size > 0.2
    assert top.customers_affected == int(
        ((frame["plan"] == "starter") & frame["has_onboarding_ticket"] & ~frame["is_churned"])
        .sum())


@pytest.mark.parametrize("seed", SEEDS)
def test_the_search_is_counted_whole_and_nothing_is_significant_on_noise(warehouse, seed):
    write_customer_marts(warehouse, customers_frame(seed, N))

    candidates, found = _findings(warehouse)

    assert len(candidates) > 500  # every pair and triple tested is returned
    assert all(len({c.source for c in cand.segment}) >= 2 for cand in candidates)
    assert found == []


def test_a_refinement_of_the_cohort_is_not_reported_beside_it(warehouse):
    frame = customers_frame(SEEDS[0], N, _simpson)
    write_customer_marts(warehouse, frame)

    _, found = _findings(warehouse)

    planted = {("plan", "starter"), ("has_onboarding_ticket", True)}
    assert not any(planted < _segment(c) for _, c in found)


def test_attributes_are_taken_at_the_landmark_not_at_the_end(warehouse):
    frame = customers_frame(SEEDS[1], 200)
    write_customer_marts(warehouse, frame)
    warehouse.execute(
        "insert into identified.int_customer_daily_activity "
        "select customer_id, started_at + interval 100 day, 0, 0, 1, 0, 0, 0 "
        "from marts.customers where not is_churned"
    )

    attributes = load_attribute_frame(warehouse).frame.set_index("customer_id")

    adopted_early = frame.set_index("customer_id")["integration_connected"]
    assert (attributes["adopted_integration_connected_early"]
            == adopted_early.reindex(attributes.index)).all()


def test_the_plan_is_the_one_held_at_the_landmark(warehouse):
    frame = customers_frame(SEEDS[0], 200)
    write_customer_marts(warehouse, frame)
    warehouse.execute("""
        delete from identified.int_subscriptions_identified;
        insert into identified.int_subscriptions_identified
        select customer_id, customer_id || '-a', 'business', started_at from marts.customers
        union all
        select customer_id, customer_id || '-b', 'team', started_at + interval 10 day
        from marts.customers
        union all
        select customer_id, customer_id || '-c', plan, started_at + interval 100 day
        from marts.customers
    """)

    attributes = load_attribute_frame(warehouse).frame

    assert len(attributes) > 100
    assert (attributes["plan"] == "team").all()
    assert (frame["plan"] != "team").any()
