"""Stripe list-endpoint pages: customers, subscriptions, invoices (minor units, epoch s).

Both subscription shapes are kept: before API version `2025-03-31.basil` the current period
sits on the subscription, from it on the items; staging takes whichever is present. Only the
first subscription item is flattened into columns (the whole list stays in `items`): a
subscription with several prices counts only the first one's seats in MRR.
"""

from __future__ import annotations

from intel_assets.sources.readers import json_document
from intel_assets.sources.spec import Column, RawObject

_READER = json_document(["data"])

CUSTOMERS = RawObject(
    tool="stripe",
    name="customers",
    family="billing",
    reader=_READER,
    patterns=("customers/*.json", "customers*.json"),
    description="Stripe customers, one row per customer object of each exported page.",
    columns=(
        Column("id", "id", required=True, description="Customer id (cus_…)."),
        Column("email", "email", description="Billing email; not unique, may be a role address."),
        Column("name", "name"),
        Column("created", "created", "epoch_s", required=True),
        Column("app_user_id", "metadata.app_user_id", description="The app's user id, if set."),
        Column("metadata", "metadata", "json"),
    ),
)

SUBSCRIPTIONS = RawObject(
    tool="stripe",
    name="subscriptions",
    family="billing",
    reader=_READER,
    patterns=("subscriptions/*.json", "subscriptions*.json"),
    description="Stripe subscriptions of every status, one row per subscription.",
    columns=(
        Column("id", "id", required=True),
        Column("customer", "customer", required=True),
        Column("status", "status", required=True),
        Column("created", "created", "epoch_s"),
        Column("start_date", "start_date", "epoch_s"),
        Column("trial_end", "trial_end", "epoch_s"),
        Column("cancel_at_period_end", "cancel_at_period_end", "boolean"),
        Column("canceled_at", "canceled_at", "epoch_s"),
        Column("ended_at", "ended_at", "epoch_s"),
        Column("current_period_start", "current_period_start", "epoch_s",
               description="Pre-basil shape only."),
        Column("current_period_end", "current_period_end", "epoch_s",
               description="Pre-basil shape only."),
        Column("item_id", "items.data[0].id"),
        Column("item_current_period_start", "items.data[0].current_period_start", "epoch_s",
               description="Basil shape only."),
        Column("item_current_period_end", "items.data[0].current_period_end", "epoch_s",
               description="Basil shape only."),
        Column("quantity", "items.data[0].quantity", "integer"),
        Column("price_id", "items.data[0].price.id"),
        Column("plan", "items.data[0].price.lookup_key"),
        Column("unit_amount", "items.data[0].price.unit_amount", "integer",
               description="Price per unit in minor units of `currency`."),
        Column("currency", "items.data[0].price.currency"),
        Column("interval", "items.data[0].price.recurring.interval"),
        Column("interval_count", "items.data[0].price.recurring.interval_count", "integer"),
        Column("items", "items.data", "json"),
    ),
)

INVOICES = RawObject(
    tool="stripe",
    name="invoices",
    family="billing",
    reader=_READER,
    patterns=("invoices/*.json", "invoices*.json"),
    description="Stripe invoices, one row per invoice; amounts in minor units.",
    columns=(
        Column("id", "id", required=True),
        Column("customer", "customer", required=True),
        Column("customer_email", "customer_email"),
        Column("subscription", "subscription", description="Pre-basil shape only."),
        Column("parent_subscription", "parent.subscription_details.subscription",
               description="Basil shape only."),
        Column("status", "status", required=True),
        Column("billing_reason", "billing_reason"),
        Column("amount_due", "amount_due", "integer"),
        Column("amount_paid", "amount_paid", "integer"),
        Column("total", "total", "integer"),
        Column("currency", "currency"),
        Column("created", "created", "epoch_s", required=True),
        Column("period_start", "period_start", "epoch_s"),
        Column("period_end", "period_end", "epoch_s"),
        Column("paid_at", "status_transitions.paid_at", "epoch_s"),
    ),
)

OBJECTS = (CUSTOMERS, SUBSCRIPTIONS, INVOICES)
