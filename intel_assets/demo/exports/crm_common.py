"""Who the demo company's CRM holds and when each record appeared, for Salesforce and HubSpot.

A CRM holds the people sales and marketing touched, not everyone who uses the product: about
90% of the people of multi-person accounts and 70% of one-person accounts (a stable subset per
tool), always the admin of a sales-assisted account (the lead its deal came from), and every
prospect. An account is in the CRM once it has a contact or a deal. In consumer mode the CRM
holds contacts only: no accounts, no deals, no links between them.

Both CRMs write the same people; only their shapes differ, so the choice lives here once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from intel_assets.demo import ids
from intel_assets.demo.exports.base import ExportContext
from intel_assets.demo.identities import email_variant, share
from intel_assets.demo.world import EPOCH_END, WorldChunk

# The demo's last instant: nothing may have been modified after it.
NOW = EPOCH_END - np.timedelta64(1, "s")
SECOND = np.timedelta64(1, "s")
MULTI_PERSON_SHARE = 0.9
ONE_PERSON_SHARE = 0.7

COUNTRY_NAMES = {
    "US": "United States", "CA": "Canada", "GB": "United Kingdom", "DE": "Germany",
    "FR": "France", "NL": "Netherlands", "AU": "Australia", "SG": "Singapore", "IN": "India",
    "BR": "Brazil", "MX": "Mexico",
}


@dataclass(frozen=True)
class CrmWorld:
    """The CRM's slice of a world chunk, in true ids.

    `contacts` are people rows plus `crm_email` (the address as the CRM holds it),
    `account_name` and `channel` (their account's name and acquisition channel),
    `assisted` (their account was sold by sales), `admin`, `lead_created_at` (when the lead
    that was converted into them appeared; NaT outside sales-assisted accounts),
    `created_at` (when the contact record was made: the conversion for converted leads) and
    `first_seen_at` (the earliest CRM record of the person, lead or contact). `accounts` are
    the CRM's accounts with `account_created_at` and `first_seen_at` likewise. `deals` carry
    `account_idx` and `deal_key`, unique across chunks.
    """

    contacts: pd.DataFrame
    accounts: pd.DataFrame
    deals: pd.DataFrame
    prospects: pd.DataFrame
    consumer: bool


def uniform(seed: int, namespace: str, index: np.ndarray) -> np.ndarray:
    """A stable draw in [0, 1) per index, so a record looks the same in every run."""
    return (ids.mix(seed, namespace, index) >> np.uint64(11)).astype(np.float64) / 2.0**53


def seconds(values: np.ndarray) -> np.ndarray:
    return (np.asarray(values, dtype=np.float64)).astype(np.int64) * SECOND


def modified_after(
    seed: int, namespace: str, index: np.ndarray, base: np.ndarray, *, days: float = 90.0
) -> np.ndarray:
    """A last-modified time up to `days` after `base`, spread over what is left before the
    demo's end rather than piled up on its last second."""
    room = np.nan_to_num(np.clip((NOW - base) / SECOND, 0, days * 86_400))
    return (base + seconds(uniform(seed, namespace, index) * room)).astype("datetime64[s]")


def native_values(
    mapping: dict[str, tuple[tuple[str, float], ...]],
    labels: np.ndarray,
    draw: np.ndarray,
) -> np.ndarray:
    """The tool's own picklist value for each catalog label; where a label has several
    plausible values (a rep picks Finance or Banking) the stable draw chooses one."""
    out = np.full(len(labels), None, dtype=object)
    for label, options in mapping.items():
        here = labels == label
        edges = np.cumsum([weight for _, weight in options])
        choice = np.searchsorted(edges / edges[-1], draw[here], side="right")
        values = np.array([value for value, _ in options], dtype=object)
        out[here] = values[choice.clip(0, len(options) - 1)]
    return out


def crm_world(world: WorldChunk, ctx: ExportContext) -> CrmWorld:
    """The CRM's slice of one chunk. Membership and times are stable draws per person, so
    each chunk decides alone and a rerun writes the same records."""
    consumer = ctx.company.config.consumer
    seed, tool = ctx.seed, ctx.tool
    accounts, people = world.accounts, world.people
    deals = world.deals.iloc[0:0] if consumer else world.deals

    won = deals[deals["kind"] == "new"]
    assisted_account = np.zeros(len(accounts), dtype=bool)
    assisted_account[won["account_row"].to_numpy()] = True
    deal_opened = np.full(len(accounts), np.datetime64("NaT"), dtype="datetime64[s]")
    deal_opened[won["account_row"].to_numpy()] = won["created_at"].to_numpy()

    rows = people["account_row"].to_numpy()
    person_idx = people["person_idx"].to_numpy()
    multi = accounts["size"].to_numpy()[rows] > 1
    admin = people["position"].to_numpy() == 0
    assisted = assisted_account[rows]
    chosen = np.where(
        multi,
        share(seed, f"{tool}:contact", person_idx, MULTI_PERSON_SHARE),
        share(seed, f"{tool}:contact", person_idx, ONE_PERSON_SHARE),
    ) | (assisted & admin)
    contacts = people[chosen].reset_index(drop=True)
    contacts = _contact_times(contacts, seed, tool, assisted[chosen], admin[chosen],
                              deal_opened[rows[chosen]])
    contacts["account_name"] = accounts["name"].to_numpy()[rows[chosen]]
    contacts["channel"] = accounts["channel"].to_numpy()[rows[chosen]]
    contacts["crm_email"] = email_variant(
        contacts, seed=seed, tool=tool, case_share=0.1, plus_share=0.05
    )

    crm_accounts = _crm_accounts(accounts, contacts, deals, consumer)
    deals = deals.assign(
        account_idx=accounts["account_idx"].to_numpy()[deals["account_row"].to_numpy()]
    )
    deals = deals.assign(
        deal_key=deals["account_idx"].to_numpy() * 2
        + (deals["kind"].to_numpy() == "expansion")
    )
    return CrmWorld(
        _plain(contacts), _plain(crm_accounts), _plain(deals), _plain(world.prospects), consumer
    )


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as numpy objects: the records are built by iterating them, and arrow
    strings iterate an order of magnitude slower."""
    text = [name for name, dtype in frame.dtypes.items() if pd.api.types.is_string_dtype(dtype)]
    return frame.astype(dict.fromkeys(text, object))


def _contact_times(
    contacts: pd.DataFrame,
    seed: int,
    tool: str,
    assisted: np.ndarray,
    admin: np.ndarray,
    deal_opened: np.ndarray,
) -> pd.DataFrame:
    """A product signup reaches the CRM within hours (a form or a sync). In a sales-assisted
    account the admin was a lead days before the deal and became a contact when the deal was
    opened; teammates arrive as leads from the product and are converted within the hour."""
    index = contacts["person_idx"].to_numpy()
    joined = contacts["joined_at"].to_numpy()
    first_touch = joined + seconds(120 + uniform(seed, f"{tool}:sync", index) * 6 * 3600)
    before_deal = deal_opened - seconds((1 + 9 * uniform(seed, f"{tool}:lead", index)) * 86_400)
    lead_created = np.where(
        assisted, np.where(admin, before_deal, first_touch), np.datetime64("NaT")
    ).astype("datetime64[s]")
    converted = np.where(
        admin,
        deal_opened,
        lead_created + seconds(300 + uniform(seed, f"{tool}:convert", index) * 3300),
    )
    created = np.where(assisted, converted, first_touch).astype("datetime64[s]")
    first_seen = np.where(assisted, lead_created, created).astype("datetime64[s]")
    return contacts.assign(
        assisted=assisted,
        admin=admin,
        lead_created_at=lead_created,
        created_at=created,
        first_seen_at=first_seen,
    )


def _crm_accounts(
    accounts: pd.DataFrame, contacts: pd.DataFrame, deals: pd.DataFrame, consumer: bool
) -> pd.DataFrame:
    """Accounts with a contact or a deal; the record dates from the first CRM touch."""
    if consumer:
        return accounts.iloc[0:0].assign(
            account_created_at=pd.Series(dtype="datetime64[s]"),
            first_seen_at=pd.Series(dtype="datetime64[s]"),
        )
    rows = np.concatenate([contacts["account_row"].to_numpy(), deals["account_row"].to_numpy()])
    deal_opened = deals["created_at"].to_numpy().astype("datetime64[s]").astype(np.int64)
    firsts = []
    for column in ("created_at", "first_seen_at"):
        touched = contacts[column].to_numpy().astype("datetime64[s]").astype(np.int64)
        first = np.full(len(accounts), np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first, rows, np.concatenate([touched, deal_opened]))
        firsts.append(first)
    held = np.zeros(len(accounts), dtype=bool)
    held[rows] = True
    return accounts[held].reset_index(drop=True).assign(
        account_created_at=firsts[0][held].astype("datetime64[s]"),
        first_seen_at=firsts[1][held].astype("datetime64[s]"),
    )
