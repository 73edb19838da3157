"""HubSpot: contacts, companies and deals as CRM v3 list responses.

Each file is one page of `GET /crm/v3/objects/{contacts|companies|deals}?properties=…&
associations=companies&after=…`: `{"results": [...], "paging": {"next": {"after", "link"}}}`,
with no `paging` on a listing's last page. Pages hold 1,000 objects, more than the API's 100,
to keep the landing folder small; each chunk of the demo is its own listing, in id order.
Every property value is a string or null (`amount` a decimal string, datetimes
`2024-06-01T09:10:12.345Z`), `createdAt`/`updatedAt` carry milliseconds, `archived` is false
(the list endpoint leaves archived records out). Ids are numeric strings, unique per object
type, and `hs_object_id` repeats them.

Associations are inline v3 lists. Since association labels arrived HubSpot lists the primary
link twice, as `contact_to_company` and `contact_to_company_unlabeled` (`deal_to_company` and
`deal_to_company_unlabeled` for deals), both naming the same company. HubSpot creates a
company from a new contact's email domain, so every prospect has a company of its own: a lead
company with no industry or country, never a customer's. In consumer mode there are no
companies and no deals, and contacts carry no `associations` at all.

`industry` holds HubSpot's internal enum values (COMPUTER_SOFTWARE, HOSPITAL_HEALTH_CARE,
...); `dbt/seeds/crm_industry_labels.csv` maps them to the product's labels. `country` holds
the ISO code, as a portal whose forms offer a country dropdown stores it (a portal filled by
enrichment would hold English names). `lifecyclestage` is `customer` for the people of
customers and `lead` or `subscriber` for prospects.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from intel_assets.demo import ids
from intel_assets.demo.exports.base import ExportContext, identity_rows
from intel_assets.demo.exports.crm_common import (
    CrmWorld,
    crm_world,
    modified_after,
    native_values,
    uniform,
)
from intel_assets.demo.exports.formats import iso_z, pages, write_json
from intel_assets.demo.world import WorldChunk

PAGE_SIZE = 1_000
API = "https://api.hubapi.com/crm/v3/objects"
ID_LOW = 1_000_000_000
ID_HIGH = 3_000_000_000  # a span below 2**31 keeps `ids.numeric` vectorised

# HubSpot's industry enum for each of the product's industries; where a portal's users
# could pick either of two values, the weights say how often each is picked.
INDUSTRY = {
    "Software": (("COMPUTER_SOFTWARE", 0.75), ("INFORMATION_TECHNOLOGY_AND_SERVICES", 0.25)),
    "Retail": (("RETAIL", 1.0),),
    "Healthcare": (("HOSPITAL_HEALTH_CARE", 0.8), ("MEDICAL_PRACTICE", 0.2)),
    "Financial Services": (("FINANCIAL_SERVICES", 0.8), ("BANKING", 0.2)),
    "Education": (("EDUCATION_MANAGEMENT", 0.6), ("E_LEARNING", 0.4)),
    "Manufacturing": (("MACHINERY", 0.6), ("INDUSTRIAL_AUTOMATION", 0.4)),
    "Media": (("MEDIA_PRODUCTION", 0.5), ("ONLINE_MEDIA", 0.5)),
    "Logistics": (("LOGISTICS_AND_SUPPLY_CHAIN", 0.8), ("PACKAGE_FREIGHT_DELIVERY", 0.2)),
}
OPEN_STAGE = "contractsent"  # the default pipeline's stage for a deal in negotiation


def hubspot_ids(seed: int, namespace: str, index: np.ndarray) -> np.ndarray:
    """Ten-digit numeric ids as strings, unique per index within an object type."""
    numbers = ids.numeric(seed, f"hubspot:{namespace}", np.asarray(index), ID_LOW, ID_HIGH)
    return np.asarray(numbers, dtype=np.int64).astype(str).astype(object)


def _millis(seed: int, namespace: str, index: np.ndarray, times: np.ndarray) -> np.ndarray:
    """HubSpot stamps carry milliseconds; the world's times are whole seconds."""
    extra = (uniform(seed, namespace, index) * 1000).astype(np.int64)
    stamped = times.astype("datetime64[ms]") + extra * np.timedelta64(1, "ms")
    return iso_z(stamped)


def export(world: WorldChunk, ctx: ExportContext) -> pd.DataFrame:
    crm = crm_world(world, ctx)
    company_of = dict(
        zip(crm.accounts["account_id"],
            hubspot_ids(ctx.seed, "company", crm.accounts["account_idx"].to_numpy() * 2),
            strict=True)
    )
    prospect_company = (
        np.full(len(crm.prospects), None, dtype=object) if crm.consumer
        else hubspot_ids(ctx.seed, "company", crm.prospects["prospect_idx"].to_numpy() * 2 + 1)
    )
    _deals(crm, ctx, company_of)
    return pd.concat(
        [
            _companies(crm, ctx, company_of, prospect_company),
            _contacts(crm, ctx, company_of, prospect_company),
        ],
        ignore_index=True,
    )


def _write_list(ctx: ExportContext, name: str, objects: list[dict[str, Any]]) -> None:
    """Pages in id order, each pointing at the next with the `after` cursor."""
    if not objects:
        return
    objects = sorted(objects, key=lambda record: int(record["id"]))
    for number, page, last in pages(objects, PAGE_SIZE):
        document: dict[str, Any] = {"results": list(page)}
        if not last:
            after = objects[number * PAGE_SIZE]["id"]
            document["paging"] = {
                "next": {"after": after, "link": f"{API}/{name}?after={after}"}
            }
        write_json(ctx.path(name, f"{name}_{ctx.chunk:04d}_{number:04d}.json"), document)


def _company_link(company: str | None, kind: str) -> dict[str, Any] | None:
    if company is None:
        return None
    return {
        "companies": {
            "results": [
                {"id": company, "type": f"{kind}_to_company"},
                {"id": company, "type": f"{kind}_to_company_unlabeled"},
            ]
        }
    }


def _record(
    record_id: str, properties: dict[str, Any], created: str, updated: str,
    associations: dict[str, Any] | None,
) -> dict[str, Any]:
    record = {
        "id": record_id,
        "properties": properties,
        "createdAt": created,
        "updatedAt": updated,
        "archived": False,
    }
    if associations is not None:
        record["associations"] = associations
    return record


def _companies(
    crm: CrmWorld, ctx: ExportContext, company_of: dict[str, str], prospect_company: np.ndarray
) -> pd.DataFrame:
    seed = ctx.seed
    accounts = crm.accounts
    index = accounts["account_idx"].to_numpy() * 2
    company_ids = np.array([company_of[a] for a in accounts["account_id"]], dtype=object)
    created = accounts["first_seen_at"].to_numpy()
    industry = native_values(
        INDUSTRY, accounts["industry"].to_numpy(), uniform(seed, "hubspot:industry", index)
    )
    customers = zip(
        company_ids, accounts["name"], accounts["domain"], industry, accounts["country"],
        accounts["employees"].to_numpy().astype(str),
        _millis(seed, "hubspot:company:created", index, created),
        _millis(seed, "hubspot:company:updated", index,
                modified_after(seed, "hubspot:company:modified", index, created)),
        strict=True,
    )
    objects = [
        _record(cid, {
            "createdate": made, "domain": domain, "hs_lastmodifieddate": updated,
            "hs_object_id": cid, "industry": value, "country": country,
            "lifecyclestage": "customer", "name": name, "numberofemployees": employees,
        }, made, updated, None)
        for cid, name, domain, value, country, employees, made, updated in customers
    ]

    prospects = crm.prospects if not crm.consumer else crm.prospects.iloc[0:0]
    p_index = prospects["prospect_idx"].to_numpy() * 2 + 1
    p_created = prospects["created_at"].to_numpy()
    p_domain = np.array([email.partition("@")[2] for email in prospects["email"]], dtype=object)
    leads = zip(
        prospect_company[: len(prospects)], prospects["company"], p_domain,
        _millis(seed, "hubspot:company:created", p_index, p_created),
        _millis(seed, "hubspot:company:updated", p_index,
                modified_after(seed, "hubspot:company:modified", p_index, p_created)),
        strict=True,
    )
    objects += [
        _record(cid, {
            "createdate": made, "domain": domain, "hs_lastmodifieddate": updated,
            "hs_object_id": cid, "industry": None, "country": None,
            "lifecyclestage": "lead", "name": name, "numberofemployees": None,
        }, made, updated, None)
        for cid, name, domain, made, updated in leads
    ]
    _write_list(ctx, "companies", objects)

    account_ids = accounts["account_id"].to_numpy()
    return pd.concat([
        identity_rows(ctx, "crm_account_id", company_ids, None, account_ids),
        identity_rows(ctx, "domain", accounts["domain"].to_numpy(), None, account_ids),
        identity_rows(ctx, "crm_account_id", prospect_company[: len(prospects)], None, None),
        identity_rows(ctx, "domain", p_domain, None, None),
    ], ignore_index=True)


def _contacts(
    crm: CrmWorld, ctx: ExportContext, company_of: dict[str, str], prospect_company: np.ndarray
) -> pd.DataFrame:
    """People of customers first seen as leads keep that date: in HubSpot the lead and the
    contact are one record whose lifecycle stage moves on."""
    seed = ctx.seed
    contacts = crm.contacts
    index = contacts["person_idx"].to_numpy() * 2
    contact_ids = hubspot_ids(seed, "contact", index)
    created = contacts["first_seen_at"].to_numpy()
    companies = [company_of.get(a) for a in contacts["account_id"]]
    company_names = (np.full(len(contacts), None, dtype=object) if crm.consumer
                     else contacts["account_name"].to_numpy())
    customers = zip(
        contact_ids, contacts["crm_email"], contacts["first_name"], contacts["last_name"],
        company_names, companies,
        _millis(seed, "hubspot:contact:created", index, created),
        _millis(seed, "hubspot:contact:updated", index,
                modified_after(seed, "hubspot:contact:modified", index, created)),
        strict=True,
    )
    objects = [
        _record(cid, {
            "company": company_name, "createdate": made, "email": email, "firstname": first,
            "hs_object_id": cid, "lastmodifieddate": updated, "lastname": last,
            "lifecyclestage": "customer",
        }, made, updated, _company_link(company, "contact"))
        for cid, email, first, last, company_name, company, made, updated in customers
    ]

    prospects = crm.prospects
    p_index = prospects["prospect_idx"].to_numpy() * 2 + 1
    prospect_ids = hubspot_ids(seed, "contact", p_index)
    p_created = prospects["created_at"].to_numpy()
    stage = np.where(uniform(seed, "hubspot:lifecycle", p_index) < 0.6, "lead", "subscriber")
    leads = zip(
        prospect_ids, prospects["email"], prospects["first_name"], prospects["last_name"],
        prospects["company"], prospect_company, stage,
        _millis(seed, "hubspot:contact:created", p_index, p_created),
        _millis(seed, "hubspot:contact:updated", p_index,
                modified_after(seed, "hubspot:contact:modified", p_index, p_created)),
        strict=True,
    )
    objects += [
        _record(cid, {
            "company": company_name, "createdate": made, "email": email, "firstname": first,
            "hs_object_id": cid, "lastmodifieddate": updated, "lastname": last,
            "lifecyclestage": str(lifecycle),
        }, made, updated, _company_link(company, "contact"))
        for cid, email, first, last, company_name, company, lifecycle, made, updated in leads
    ]
    _write_list(ctx, "contacts", objects)

    persons, accounts = contacts["person_id"].to_numpy(), contacts["account_id"].to_numpy()
    prospect_people = prospects["prospect_id"].to_numpy()
    return pd.concat([
        identity_rows(ctx, "contact_id", contact_ids, persons, accounts),
        identity_rows(ctx, "email", contacts["crm_email"].to_numpy(), persons, accounts),
        identity_rows(ctx, "contact_id", prospect_ids, prospect_people, None),
        identity_rows(ctx, "email", prospects["email"].to_numpy(), prospect_people, None),
    ], ignore_index=True)


def _deals(crm: CrmWorld, ctx: ExportContext, company_of: dict[str, str]) -> None:
    """Deal ids name no person or account, so they add nothing to the answer key."""
    seed = ctx.seed
    deals = crm.deals
    key = deals["deal_key"].to_numpy()
    deal_ids = hubspot_ids(seed, "deal", key)
    won = deals["stage"].to_numpy() == "closed_won"
    created = deals["created_at"].to_numpy()
    close = deals["close_at"].to_numpy()
    touched = np.where(won, close, created).astype("datetime64[s]")
    amounts = [f"{amount:.2f}".rstrip("0").rstrip(".") for amount in deals["amount"]]
    rows = zip(
        deal_ids, deals["name"], amounts, _millis(seed, "hubspot:deal:close", key, close),
        np.where(won, "closedwon", OPEN_STAGE), np.where(won, "true", "false"),
        np.where(won, "1.0", "0.9"), [company_of[a] for a in deals["account_id"]],
        _millis(seed, "hubspot:deal:created", key, created),
        _millis(seed, "hubspot:deal:updated", key,
                modified_after(seed, "hubspot:deal:modified", key, touched, days=20)),
        strict=True,
    )
    objects = [
        _record(did, {
            "amount": amount, "closedate": closing, "createdate": made, "dealname": name,
            "dealstage": str(stage), "hs_deal_stage_probability": str(probability),
            "hs_is_closed_won": str(is_won), "hs_lastmodifieddate": updated,
            "hs_object_id": did, "pipeline": "default",
        }, made, updated, _company_link(company, "deal"))
        for did, name, amount, closing, stage, is_won, probability, company, made, updated
        in rows
    ]
    _write_list(ctx, "deals", objects)
