"""Stripe: customers, subscriptions and invoices as the list endpoints return them.

Each file is one page of `GET /v1/{object}?limit=…&starting_after=…` (with `status=all` for
subscriptions): `{"object": "list", "url", "has_more", "data": [...]}`. Pages hold 1,000
objects, more than the API's 100, to keep the landing folder small. Subscriptions created
from 2025-09-01 on use the `2025-03-31.basil` shape (current period on the items, invoice
subscription under `parent`); older ones the earlier shape, as an account that upgraded its
API version midway exports them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from intel_assets.demo import ids
from intel_assets.demo.exports.base import ExportContext, identity_rows
from intel_assets.demo.exports.formats import epoch_s, pages, write_json
from intel_assets.demo.identities import email_variant, share
from intel_assets.demo.world import WorldChunk

PAGE_SIZE = 1_000
BASIL_FROM = np.datetime64("2025-09-01T00:00:00", "s")


def export(world: WorldChunk, ctx: ExportContext) -> pd.DataFrame:
    accounts = world.accounts
    admins = accounts[["account_id"]].merge(
        world.people[world.people["position"] == 0], on="account_id", how="left"
    )
    account_idx = accounts["account_idx"].to_numpy()

    customer_ids = np.char.add("cus_", ids.base62(ctx.seed, "stripe:cus", account_idx, 14)
                               .astype(str)).astype(object)
    admin_email = email_variant(admins, seed=ctx.seed, tool=ctx.tool, plus_share=0.0)
    # A business often pays from a billing@ address; a consumer pays with their own email.
    consumer = ctx.company.config.consumer
    role_billing = (not consumer) & share(ctx.seed, "stripe:billing", account_idx, 0.3)
    billing_email = np.char.add("billing@", accounts["domain"].to_numpy().astype(str))
    email = np.where(role_billing, billing_email.astype(object), admin_email)
    with_user = share(ctx.seed, "stripe:meta", account_idx, 0.6)
    created = epoch_s(accounts["signup_at"])
    customers = [
        {
            "id": cid,
            "object": "customer",
            "email": mail,
            "name": name,
            "created": int(when),
            "currency": "usd",
            "delinquent": False,
            "livemode": True,
            "metadata": {"app_user_id": uid} if link else {},
        }
        for cid, mail, name, when, uid, link in zip(
            customer_ids, email, accounts["name"], created, admins["user_id"], with_user
        )
    ]
    _write_list(ctx, "customers", customers)

    customer_of = dict(zip(accounts["account_id"], customer_ids))
    subscription_ids = _subscriptions(world, ctx, customer_of)
    _invoices(world, ctx, customer_of, subscription_ids, dict(zip(accounts["account_id"], email)))

    person_email = ~role_billing
    return pd.concat(
        [
            identity_rows(ctx, "customer_id", customer_ids, None, accounts["account_id"]),
            identity_rows(
                ctx, "email", email,
                np.where(person_email, admins["person_id"].to_numpy(), None),
                accounts["account_id"],
            ),
            identity_rows(
                ctx, "user_id", admins["user_id"].to_numpy()[with_user],
                admins["person_id"].to_numpy()[with_user],
                accounts["account_id"].to_numpy()[with_user],
            ),
        ],
        ignore_index=True,
    )


def _write_list(ctx: ExportContext, name: str, objects: list[dict]) -> None:
    for number, page, last in pages(objects, PAGE_SIZE):
        write_json(
            ctx.path(name, f"{name}_{ctx.chunk:04d}_{number:04d}.json"),
            {"object": "list", "url": f"/v1/{name}", "has_more": not last, "data": list(page)},
        )


def _price(plan: str, unit_amount: int) -> dict:
    return {
        "id": f"price_{plan}_monthly",
        "object": "price",
        "unit_amount": int(unit_amount),
        "currency": "usd",
        "lookup_key": plan,
        "product": f"prod_{plan}",
        "recurring": {"interval": "month", "interval_count": 1},
    }


def _subscriptions(
    world: WorldChunk, ctx: ExportContext, customer_of: dict[str, str]
) -> dict[str, str]:
    subs = world.subscriptions
    idx = world.accounts["account_idx"].to_numpy()[subs["account_row"].to_numpy()]
    sub_ids = np.char.add("sub_", ids.base62(ctx.seed, "stripe:sub", idx, 16).astype(str))
    item_ids = np.char.add("si_", ids.base62(ctx.seed, "stripe:si", idx, 14).astype(str))
    invoices = world.invoices
    last_cycle = invoices.groupby("account_id")[["period_start", "period_end"]].last()
    period = last_cycle.reindex(subs["account_id"])
    period_start = np.where(period["period_start"].isna(), subs["start_at"],
                            period["period_start"])
    period_end = np.where(period["period_end"].isna(), subs["trial_end"], period["period_end"])
    columns = {
        "start": epoch_s(subs["start_at"]),
        "trial_end": epoch_s(subs["trial_end"]),
        "canceled": epoch_s(subs["canceled_at"]),
        "ended": epoch_s(subs["ended_at"]),
        "period_start": epoch_s(period_start),
        "period_end": epoch_s(period_end),
    }
    basil = subs["start_at"].to_numpy() >= BASIL_FROM
    objects = []
    for i, row in enumerate(subs.itertuples(index=False)):
        item = {
            "id": item_ids[i],
            "object": "subscription_item",
            "quantity": int(row.quantity),
            "price": _price(row.plan, row.unit_amount_cents),
        }
        sub = {
            "id": sub_ids[i],
            "object": "subscription",
            "customer": customer_of[row.account_id],
            "status": row.status,
            "created": columns["start"][i],
            "start_date": columns["start"][i],
            "trial_start": columns["start"][i],
            "trial_end": columns["trial_end"][i],
            "cancel_at_period_end": bool(row.cancel_at_period_end),
            "canceled_at": columns["canceled"][i],
            "ended_at": columns["ended"][i],
            "currency": "usd",
            "items": {"object": "list", "has_more": False, "data": [item]},
        }
        if basil[i]:
            item["current_period_start"] = columns["period_start"][i]
            item["current_period_end"] = columns["period_end"][i]
        else:
            sub["current_period_start"] = columns["period_start"][i]
            sub["current_period_end"] = columns["period_end"][i]
        objects.append(sub)
    _write_list(ctx, "subscriptions", objects)
    return dict(zip(subs["account_id"], sub_ids))


def _invoices(
    world: WorldChunk,
    ctx: ExportContext,
    customer_of: dict[str, str],
    subscription_of: dict[str, str],
    email_of: dict[str, str],
) -> None:
    invoices = world.invoices
    global_index = world.accounts["account_idx"].to_numpy()[invoices["account_row"]] * 1000
    invoice_ids = np.char.add(
        "in_", ids.base62(ctx.seed, "stripe:in", global_index + invoices["cycle"].to_numpy(), 20)
        .astype(str)
    )
    starts = epoch_s(invoices["period_start"])
    ends = epoch_s(invoices["period_end"])
    paid = epoch_s(invoices["paid_at"])
    sub_created = world.subscriptions.set_index("account_id")["start_at"]
    basil = (sub_created.reindex(invoices["account_id"]).to_numpy() >= BASIL_FROM)
    objects = []
    for i, row in enumerate(invoices.itertuples(index=False)):
        amount = int(row.amount_cents)
        settled = row.status == "paid"
        invoice = {
            "id": invoice_ids[i],
            "object": "invoice",
            "customer": customer_of[row.account_id],
            "customer_email": email_of[row.account_id],
            "status": row.status,
            "billing_reason": row.billing_reason,
            "amount_due": amount,
            "amount_paid": amount if settled else 0,
            "amount_remaining": 0 if settled else amount,
            "total": amount,
            "subtotal": amount,
            "currency": "usd",
            "created": starts[i],
            "period_start": starts[i],
            "period_end": ends[i],
            "status_transitions": {"finalized_at": starts[i], "paid_at": paid[i]},
        }
        subscription = subscription_of[row.account_id]
        if basil[i]:
            invoice["parent"] = {
                "type": "subscription_details",
                "subscription_details": {"subscription": subscription},
            }
        else:
            invoice["subscription"] = subscription
        objects.append(invoice)
    _write_list(ctx, "invoices", objects)
