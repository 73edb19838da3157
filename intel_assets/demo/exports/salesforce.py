"""Salesforce: Account, Contact, Lead and Opportunity as Bulk API 2.0 query results.

Each object is one query job per chunk (`SELECT <fields> FROM <Object>`, `contentType` CSV,
`columnDelimiter` COMMA, `lineEnding` LF). Every result set the job hands out (`GET
/jobs/query/{id}/results?maxRecords=5000`, the next one asked for with the previous
response's `Sforce-Locator`) is saved as its own file with its header row:
`<Object>/<Object>_<chunk>_<sequence>_<locator>.csv`, the locator being the one that fetched
it (`start` for the first; Salesforce's locators are base64 offsets such as `NTAwMA`). Every
value is double-quoted and a null is an empty quoted value, booleans are `true`/`false`,
datetimes `2024-06-03T14:22:09.000Z` (Salesforce keeps whole seconds), dates `YYYY-MM-DD`,
`Amount` a plain decimal in dollars.

Ids are 18 characters: key prefix (`001` Account, `003` Contact, `00Q` Lead, `006`
Opportunity), the org's pod, a reserved `0`, a nine-character base-62 record number and the
three-character case-safe checksum Salesforce appends to the 15-character id.

`Industry` takes the standard picklist values (Technology, Finance, Banking, Transportation,
...), which differ from the product's own labels; `dbt/seeds/crm_industry_labels.csv` maps them
back. `BillingCountryCode` (state and country picklists enabled) holds the ISO code and
`BillingCountry` its name. A converted lead points to its contact, account and, for the lead
the deal came from, the opportunity; prospects stay open or closed unconverted leads with no
account.
"""

from __future__ import annotations

import base64
import csv

import numpy as np
import pandas as pd

from intel_assets.demo import ids
from intel_assets.demo.exports.base import ExportContext, identity_rows
from intel_assets.demo.exports.crm_common import (
    COUNTRY_NAMES,
    CrmWorld,
    crm_world,
    modified_after,
    native_values,
    uniform,
)
from intel_assets.demo.exports.formats import day, iso_z, pages
from intel_assets.demo.world import WorldChunk

RESULT_ROWS = 5_000
KEY_PREFIX = {"Account": "001", "Contact": "003", "Lead": "00Q", "Opportunity": "006"}
_BASE62 = np.frombuffer(
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", dtype=np.uint8
)
_CHECKSUM = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", dtype=np.uint8)

# Standard Account.Industry picklist values for each of the product's industries; where reps
# could reasonably pick either of two values, the weights say how often each is picked.
INDUSTRY = {
    "Software": (("Technology", 1.0),),
    "Retail": (("Retail", 1.0),),
    "Healthcare": (("Healthcare", 1.0),),
    "Financial Services": (("Finance", 0.75), ("Banking", 0.25)),
    "Education": (("Education", 1.0),),
    "Manufacturing": (("Manufacturing", 0.8), ("Machinery", 0.2)),
    "Media": (("Media", 0.7), ("Entertainment", 0.3)),
    "Logistics": (("Transportation", 0.7), ("Shipping", 0.3)),
}
PROSPECT_STATUS = (("Open - Not Contacted", 0.45), ("Working - Contacted", 0.35),
                   ("Closed - Not Converted", 0.2))
PROSPECT_SOURCE = (("Web", 0.55), ("Phone Inquiry", 0.15), ("Partner Referral", 0.1),
                   ("Purchased List", 0.12), ("Other", 0.08))

FIELDS = {
    "Account": ("Id", "Name", "Website", "Industry", "Type", "BillingCountry",
                "BillingCountryCode", "NumberOfEmployees", "CreatedDate", "LastModifiedDate"),
    "Contact": ("Id", "AccountId", "FirstName", "LastName", "Email", "CreatedDate",
                "LastModifiedDate"),
    "Lead": ("Id", "FirstName", "LastName", "Email", "Company", "Status", "LeadSource",
             "IsConverted", "ConvertedDate", "ConvertedContactId", "ConvertedAccountId",
             "ConvertedOpportunityId", "CreatedDate", "LastModifiedDate"),
    "Opportunity": ("Id", "AccountId", "Name", "Type", "StageName", "Amount", "Probability",
                    "CloseDate", "IsClosed", "IsWon", "CreatedDate", "LastModifiedDate"),
}


def salesforce_ids(seed: int, sobject: str, index: np.ndarray) -> np.ndarray:
    """18-character ids, unique per index below 62**5 (about 916 million records)."""
    index = np.asarray(index, dtype=np.int64)
    number = np.asarray(ids.numeric(seed, f"salesforce:{sobject}", index, 0, 62**5),
                        dtype=np.int64)
    digits = np.empty((len(index), 5), dtype=np.uint8)
    for position in range(4, -1, -1):
        digits[:, position] = _BASE62[number % 62]
        number //= 62
    record = np.ascontiguousarray(digits).view("S5").ravel().astype(str)
    head = f"{KEY_PREFIX[sobject]}{_pod(seed)}00000"
    short = np.char.add(head, record)
    return np.char.add(short, _checksum(short)).astype(object)


def _pod(seed: int) -> str:
    """The org's instance characters (`5g` in `0015g00000…`), fixed per company."""
    value = ids.hash_text(f"{seed}:salesforce:pod")
    return f"{1 + value % 9}{chr(_BASE62[10 + (value >> 8) % 52])}"


def _checksum(short: np.ndarray) -> np.ndarray:
    """Salesforce's suffix: one character per five, its bits the upper-case letters there."""
    chars = np.asarray(short, dtype="S15").view(np.uint8).reshape(-1, 3, 5)
    upper = ((chars >= ord("A")) & (chars <= ord("Z"))).astype(np.int64)
    codes = upper @ (1 << np.arange(5))
    return np.ascontiguousarray(_CHECKSUM[codes]).view("S3").ravel().astype(str)


def export(world: WorldChunk, ctx: ExportContext) -> pd.DataFrame:
    crm = crm_world(world, ctx)
    seed = ctx.seed
    account_of = dict(
        zip(crm.accounts["account_id"],
            salesforce_ids(seed, "Account", crm.accounts["account_idx"].to_numpy()), strict=True)
    )

    identities = [_accounts(crm, ctx, account_of)]
    contact_ids, contact_identities = _contacts(crm, ctx, account_of)
    identities.append(contact_identities)
    opportunity_of = _opportunities(crm, ctx, account_of)
    identities.append(_leads(crm, ctx, contact_ids, account_of, opportunity_of))
    return pd.concat(identities, ignore_index=True)


def _write_results(
    ctx: ExportContext, sobject: str, columns: list[np.ndarray]
) -> None:
    """One CSV per result set of the query job, as the Bulk API hands them out."""
    rows = list(zip(*columns, strict=True))
    if not rows:
        return
    for number, page, _last in pages(rows, RESULT_ROWS):
        offset = (number - 1) * RESULT_ROWS
        locator = "start" if number == 1 else base64.b64encode(
            str(offset).encode()).decode().rstrip("=")
        path = ctx.path(sobject, f"{sobject}_{ctx.chunk:04d}_{number:04d}_{locator}.csv")
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
            writer.writerow(FIELDS[sobject])
            writer.writerows(page)


def _flag(values: np.ndarray) -> np.ndarray:
    return np.where(values, "true", "false").astype(object)


def _accounts(crm: CrmWorld, ctx: ExportContext, account_of: dict[str, str]) -> pd.DataFrame:
    accounts = crm.accounts
    seed = ctx.seed
    index = accounts["account_idx"].to_numpy()
    domain = accounts["domain"].to_numpy().astype(str)
    style = uniform(seed, "salesforce:website", index)
    website = np.select(
        [style < 0.6, style < 0.8, style < 0.9],
        [np.char.add("https://www.", domain), np.char.add("http://", domain),
         np.char.add("www.", domain)],
        np.char.add(np.char.add("https://", domain), "/"),
    ).astype(object)
    industry = native_values(
        INDUSTRY, accounts["industry"].to_numpy(), uniform(seed, "salesforce:industry", index)
    )
    country = accounts["country"].to_numpy()
    created = accounts["account_created_at"].to_numpy()
    ids_ = np.array([account_of[a] for a in accounts["account_id"]], dtype=object)
    _write_results(ctx, "Account", [
        ids_,
        accounts["name"].to_numpy(),
        website,
        industry,
        np.full(len(accounts), "Customer - Direct", dtype=object),
        np.array([COUNTRY_NAMES[c] for c in country], dtype=object),
        country,
        accounts["employees"].to_numpy().astype(str),
        iso_z(created),
        iso_z(modified_after(seed, "salesforce:account:modified", index, created)),
    ])
    return pd.concat([
        identity_rows(ctx, "crm_account_id", ids_, None, accounts["account_id"]),
        identity_rows(ctx, "domain", domain, None, accounts["account_id"]),
    ], ignore_index=True)


def _contacts(
    crm: CrmWorld, ctx: ExportContext, account_of: dict[str, str]
) -> tuple[np.ndarray, pd.DataFrame]:
    contacts = crm.contacts
    index = contacts["person_idx"].to_numpy()
    contact_ids = salesforce_ids(ctx.seed, "Contact", index)
    account_ids = np.array([account_of.get(a) for a in contacts["account_id"]], dtype=object)
    created = contacts["created_at"].to_numpy()
    _write_results(ctx, "Contact", [
        contact_ids,
        account_ids,
        contacts["first_name"].to_numpy(),
        contacts["last_name"].to_numpy(),
        contacts["crm_email"].to_numpy(),
        iso_z(created),
        iso_z(modified_after(ctx.seed, "salesforce:contact:modified", index, created)),
    ])
    persons, accounts = contacts["person_id"].to_numpy(), contacts["account_id"].to_numpy()
    return contact_ids, pd.concat([
        identity_rows(ctx, "contact_id", contact_ids, persons, accounts),
        identity_rows(ctx, "email", contacts["crm_email"].to_numpy(), persons, accounts),
    ], ignore_index=True)


def _opportunities(
    crm: CrmWorld, ctx: ExportContext, account_of: dict[str, str]
) -> dict[str, str]:
    """Opportunities from deals; returns the new-business opportunity of each account."""
    deals = crm.deals
    key = deals["deal_key"].to_numpy()
    opportunity_ids = salesforce_ids(ctx.seed, "Opportunity", key)
    won = deals["stage"].to_numpy() == "closed_won"
    created = deals["created_at"].to_numpy()
    close = deals["close_at"].to_numpy()
    touched = np.where(won, close, created).astype("datetime64[s]")
    _write_results(ctx, "Opportunity", [
        opportunity_ids,
        np.array([account_of[a] for a in deals["account_id"]], dtype=object),
        deals["name"].to_numpy(),
        np.where(deals["kind"].to_numpy() == "new", "New Customer",
                 "Existing Customer - Upgrade").astype(object),
        np.where(won, "Closed Won", "Negotiation/Review").astype(object),
        np.array([f"{amount:.2f}" for amount in deals["amount"].to_numpy()], dtype=object),
        np.where(won, "100", "90").astype(object),
        day(close),
        _flag(won),
        _flag(won),
        iso_z(created),
        iso_z(modified_after(ctx.seed, "salesforce:opportunity:modified", key, touched,
                             days=20)),
    ])
    new = deals["kind"].to_numpy() == "new"
    return dict(zip(deals["account_id"].to_numpy()[new], opportunity_ids[new], strict=True))


def _leads(
    crm: CrmWorld,
    ctx: ExportContext,
    contact_ids: np.ndarray,
    account_of: dict[str, str],
    opportunity_of: dict[str, str],
) -> pd.DataFrame:
    """A converted lead behind every contact of a sales-assisted account, and an open or
    closed-unconverted lead for every prospect. Lead index spaces: people even, prospects
    odd, so the two never share an id."""
    seed = ctx.seed
    assisted = crm.contacts["assisted"].to_numpy()
    people = crm.contacts[assisted]
    person_idx = people["person_idx"].to_numpy()
    converted_ids = salesforce_ids(seed, "Lead", person_idx * 2)
    contact_created = people["created_at"].to_numpy()
    account_id = people["account_id"].to_numpy()
    from_referral = people["channel"].to_numpy() == "referral"

    prospects = crm.prospects
    prospect_idx = prospects["prospect_idx"].to_numpy()
    open_ids = salesforce_ids(seed, "Lead", prospect_idx * 2 + 1)
    prospect_created = prospects["created_at"].to_numpy()
    status_draw = uniform(seed, "salesforce:lead:status", prospect_idx)
    source_draw = uniform(seed, "salesforce:lead:source", prospect_idx)
    n_open = len(prospects)

    def pick(options: tuple[tuple[str, float], ...], draw: np.ndarray) -> np.ndarray:
        return native_values({"*": options}, np.full(len(draw), "*", dtype=object), draw)

    empty = np.full(n_open, None, dtype=object)
    _write_results(ctx, "Lead", [
        np.concatenate([converted_ids, open_ids]),
        np.concatenate([people["first_name"].to_numpy(), prospects["first_name"].to_numpy()]),
        np.concatenate([people["last_name"].to_numpy(), prospects["last_name"].to_numpy()]),
        np.concatenate([people["crm_email"].to_numpy(), prospects["email"].to_numpy()]),
        np.concatenate([
            people["account_name"].to_numpy(),
            prospects["company"].to_numpy(),
        ]),
        np.concatenate([np.full(len(people), "Closed - Converted", dtype=object),
                        pick(PROSPECT_STATUS, status_draw)]),
        np.concatenate([np.where(from_referral, "Partner Referral", "Web").astype(object),
                        pick(PROSPECT_SOURCE, source_draw)]),
        np.concatenate([_flag(np.ones(len(people), dtype=bool)),
                        _flag(np.zeros(n_open, dtype=bool))]),
        np.concatenate([day(contact_created), empty]),
        np.concatenate([contact_ids[assisted], empty]),
        np.concatenate([np.array([account_of[a] for a in account_id], dtype=object), empty]),
        np.concatenate([
            np.where(people["admin"].to_numpy(),
                     np.array([opportunity_of.get(a) for a in account_id], dtype=object),
                     None),
            empty,
        ]),
        np.concatenate([iso_z(people["lead_created_at"].to_numpy()), iso_z(prospect_created)]),
        np.concatenate([
            iso_z(contact_created),
            iso_z(modified_after(seed, "salesforce:lead:modified", prospect_idx,
                                 prospect_created)),
        ]),
    ])

    persons, accounts = people["person_id"].to_numpy(), people["account_id"].to_numpy()
    prospect_ids = prospects["prospect_id"].to_numpy()
    return pd.concat([
        identity_rows(ctx, "lead_id", converted_ids, persons, accounts),
        identity_rows(ctx, "lead_id", open_ids, prospect_ids, None),
        identity_rows(ctx, "email", prospects["email"].to_numpy(), prospect_ids, None),
    ], ignore_index=True)
