"""Stripe list pages parse into customers, subscriptions and invoices that agree with the
world they were exported from, in both API shapes."""

from __future__ import annotations

import pytest

from intel_assets_tests.conftest import SEEDS, small_world


@pytest.mark.parametrize("seed", SEEDS)
def test_every_account_has_one_customer_and_one_subscription(exported, seed):
    result = exported("stripe", seed)
    world = small_world(seed).world

    customers = result.table("stripe_customers")
    subscriptions = result.table("stripe_subscriptions")
    assert len(customers) == len(world.accounts)
    assert customers["id"].str.startswith("cus_").all()
    assert customers["id"].is_unique
    assert len(subscriptions) == len(world.subscriptions)
    assert set(subscriptions["customer"]) == set(customers["id"])
    assert result.reports["customers"].rows_quarantined == 0


@pytest.mark.parametrize("seed", SEEDS)
def test_both_subscription_shapes_carry_a_current_period(exported, seed):
    subscriptions = exported("stripe", seed).table("stripe_subscriptions")

    legacy = subscriptions["current_period_start"].notna()
    basil = subscriptions["item_current_period_start"].notna()
    assert legacy.any() and basil.any()
    assert not (legacy & basil).any()
    assert (legacy | basil).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_invoice_amounts_stay_in_minor_units(exported, seed):
    result = exported("stripe", seed)
    world = small_world(seed).world

    invoices = result.table("stripe_invoices")
    assert len(invoices) == len(world.invoices)
    assert invoices["total"].sum() == world.invoices["amount_cents"].sum()
    linked = invoices["subscription"].fillna(invoices["parent_subscription"])
    assert linked.notna().all()


def test_answer_key_names_every_customer_id(exported):
    result = exported("stripe", SEEDS[0])
    customers = result.table("stripe_customers")
    keyed = result.identities[result.identities["kind"] == "customer_id"]

    assert set(keyed["identifier"]) == set(customers["id"])
    assert keyed["account_id"].notna().all()
