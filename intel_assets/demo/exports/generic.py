"""Demo files in each family's generic contract (`intel_assets.sources.generic`).

The files look like what a company exports from its own warehouse: one file per object per
chunk (`<object>/<object>_<chunk>.csv`), CSV with every string quoted and a plain header, or
Parquet with native types (timestamp in UTC, decimal money, booleans, integers). The columns
written are the contract's own list, so the demo cannot drift from the documentation.

Who is in each family's files, and why:
- product: every event of the world; the email rides on the sign-up event, the workspace on
  every identified event (none in consumer mode, where there are no workspaces);
- ads: every paid channel's daily campaign spend, written once by chunk 0 since spend is
  company-level, with the channel named by its tool id;
- crm: every account's first person and about 60% of the others (consumer mode: every
  person, no accounts), plus the prospects, who never became customers; half the customers'
  contacts carry the app's user id, as a CRM synced from the app does;
- support: every ticket; requests from a shared address have one requester per address, and
  tickets from inside the app (web, chat) carry the user id;
- lifecycle: every email event; 80% of people are known by user id, and only they may appear
  under a personal address, since nothing else could link it;
- billing: one customer, subscription and invoices per account, 30% billed to a role address
  (business mode only);
- surveys: every response; half came through the app and carry the user id.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from intel_assets.demo import catalog, ids
from intel_assets.demo.exports.base import IDENTITY_COLUMNS, ExportContext, identity_rows
from intel_assets.demo.identities import email_variant, share
from intel_assets.demo.world import WorldChunk, ad_spend
from intel_assets.sources.generic import CONTRACT, GenericObject
from intel_assets.sources.spec import Kind
from intel_assets.stack import GENERIC_FORMATS, GENERIC_TOOL_PREFIX

Columns = dict[str, Any]
Tables = dict[str, Columns]
CURRENCY = "USD"
ISO_UTC = "%Y-%m-%dT%H:%M:%SZ"
_PAGES = ("/", "/pricing", "/features", "/integrations", "/blog/churn-metrics", "/signup")


def export(world: WorldChunk, ctx: ExportContext) -> pd.DataFrame:
    """The demo's default: CSV, the form a company is most likely to produce by hand."""
    return export_as(world, ctx, "csv")


def export_as(world: WorldChunk, ctx: ExportContext, file_format: str) -> pd.DataFrame:
    """Writes the family's generic files in `file_format` (csv or parquet), returning the
    answer-key identity rows; the family is the tool id's suffix (`generic_crm`)."""
    if file_format not in GENERIC_FORMATS:
        raise ValueError(f"generic files are one of {GENERIC_FORMATS}, not {file_format!r}")
    family = ctx.tool[len(GENERIC_TOOL_PREFIX):]
    if not ctx.tool.startswith(GENERIC_TOOL_PREFIX) or family not in _BUILDERS:
        raise KeyError(f"{ctx.tool!r} is not a generic tool of a known family")

    tables, identities = _BUILDERS[family](world, ctx)

    for spec in CONTRACT[family]:
        if spec.name in tables:
            write_object(ctx, spec, tables[spec.name], file_format)
    if not identities:
        return pd.DataFrame(columns=list(IDENTITY_COLUMNS))
    return pd.concat(identities, ignore_index=True)


# --- writing --------------------------------------------------------------------------------


def write_object(
    ctx: ExportContext, spec: GenericObject, columns: Columns, file_format: str
) -> None:
    """One file of one object for this chunk; columns the world cannot fill stay empty."""
    table = arrow_table(spec, columns)
    name = f"{spec.name}_{ctx.chunk:04d}.{file_format}"
    target = ctx.path(spec.name, name)
    if file_format == "parquet":
        pq.write_table(table, target)
        return

    as_text = [
        iso_utc(columns[c.name]) if c.kind == "timestamp" and c.name in columns
        else table[c.name]
        for c in spec.columns
    ]
    with target.open("wb") as handle:
        handle.write((",".join(c.name for c in spec.columns) + "\n").encode())
        pa_csv.write_csv(
            pa.table(as_text, names=[c.name for c in spec.columns]),
            handle,
            pa_csv.WriteOptions(include_header=False, quoting_style="needed"),
        )


def iso_utc(times: Any) -> pa.Array:
    """`2025-06-01T09:10:12Z` for each time, null where missing.

    Arrow's strftime and numpy's datetime_as_string take seconds per million rows; gathering
    the bytes of each day and each second of the day from small tables takes milliseconds.
    """
    values = np.asarray(times, dtype="datetime64[s]")
    missing = np.isnat(values)
    seconds = np.where(missing, 0, values.astype(np.int64))
    days, second_of_day = np.divmod(seconds, 86_400)
    first, last = (int(days.min()), int(days.max())) if len(days) else (0, 0)
    calendar = np.datetime64(first, "D") + np.arange(last - first + 1)
    day_chars = np.datetime_as_string(calendar, unit="D").astype("S10").view(np.uint8)

    chars = np.empty((len(values), 20), dtype=np.uint8)
    chars[:, :10] = day_chars.reshape(-1, 10)[days - first]
    chars[:, 10] = ord("T")
    chars[:, 11:19] = _clock_chars()[second_of_day]
    chars[:, 19] = ord("Z")
    return fixed_width_strings(chars, ~missing)


@cache
def _clock_chars() -> np.ndarray:
    """`HH:MM:SS` of every second of a day, as an (86400, 8) byte table."""
    clock = np.datetime64(0, "s") + np.arange(86_400).astype("timedelta64[s]")
    text = np.datetime_as_string(clock, unit="s").astype("S19").view(np.uint8)
    return text.reshape(-1, 19)[:, 11:19].copy()


def fixed_width_strings(chars: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """An Arrow string array over a (rows, width) matrix of ASCII bytes, without copying
    each value through Python."""
    rows, width = chars.shape
    large = rows * width >= 2**31
    offsets = np.arange(rows + 1, dtype=np.int64 if large else np.int32) * width
    bitmap = None if valid is None else pa.array(np.asarray(valid, dtype=bool)).buffers()[1]
    nulls = 0 if valid is None else int(rows - np.count_nonzero(valid))
    return pa.Array.from_buffers(
        pa.large_string() if large else pa.string(),
        rows,
        [bitmap, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(chars))],
        null_count=nulls,
    )


def arrow_table(spec: GenericObject, columns: Columns) -> pa.Table:
    """The contract's columns in order, each in the Arrow type its kind stands for."""
    rows = len(next(iter(columns.values()))) if columns else 0
    return pa.table(
        {c.name: _arrow(c.kind, columns.get(c.name), rows) for c in spec.columns}
    )


_ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "json": pa.string(),
    "integer": pa.int64(),
    "float": pa.float64(),
    "decimal": pa.decimal128(18, 2),
    "boolean": pa.bool_(),
    "timestamp": pa.timestamp("s", tz="UTC"),
    "date": pa.date32(),
}


def _arrow(kind: Kind, values: Any, rows: int) -> pa.Array:
    arrow_type = _ARROW_TYPES[kind]
    if values is None:
        return pa.nulls(rows, arrow_type)
    if isinstance(values, pa.Array):
        return values
    if kind in ("string", "json") and isinstance(values, pd.Series):
        return pa.array(values, arrow_type, from_pandas=True)  # no round trip through Python
    if kind in ("string", "json"):
        return pa.array(np.asarray(values, dtype=object), arrow_type, from_pandas=True)
    if kind == "integer":
        return pa.array(pd.array(np.asarray(values), dtype="Int64"))
    if kind == "float":
        return pa.array(np.asarray(values, dtype=np.float64), from_pandas=True)
    if kind == "decimal":
        money = pa.array(np.round(np.asarray(values, dtype=np.float64), 2), from_pandas=True)
        return pc.cast(money, arrow_type)
    if kind == "boolean":
        return pa.array(np.asarray(values, dtype=object), arrow_type, from_pandas=True)
    if kind == "timestamp":
        times = np.asarray(values, dtype="datetime64[s]")
        return pa.array(times, from_pandas=True).cast(arrow_type)
    if kind == "date":
        return pa.array(np.asarray(values, dtype="datetime64[D]"), from_pandas=True)
    raise ValueError(f"the generic contract has no {kind!r} columns")


# --- ids ------------------------------------------------------------------------------------


def _text(values: Any) -> np.ndarray:
    """Numbers as id strings."""
    return np.asarray(values).astype(str).astype(object)


_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _hex_chars(seed: int, namespace: str, index: np.ndarray, width: int) -> np.ndarray:
    """(rows, width) lowercase hex digits from fresh 64-bit hashes; the same idea as
    `ids.hexid`, without its per-digit string work, which costs seconds per million."""
    index = np.asarray(index)
    words = [
        ids.mix(seed, namespace if part == 0 else f"{namespace}#{part + 1}", index)
        for part in range(-(-width // 16))
    ]
    octets = np.stack(words, axis=1).astype(">u8").view(np.uint8).reshape(len(index), -1)
    nibbles = np.empty((len(index), octets.shape[1] * 2), dtype=np.uint8)
    nibbles[:, 0::2] = octets >> 4
    nibbles[:, 1::2] = octets & 0x0F
    return _HEX_DIGITS[nibbles[:, :width]]


def _uuid(seed: int, namespace: str, index: np.ndarray) -> pa.Array:
    """UUID-shaped ids (8-4-4-4-12 hex), as warehouse tables key their events."""
    chars = _hex_chars(seed, namespace, index, 32)
    dashed = np.full((len(chars), 36), ord("-"), dtype=np.uint8)
    for start, stop, shift in ((0, 8, 0), (8, 12, 1), (12, 16, 2), (16, 20, 3), (20, 32, 4)):
        dashed[:, start + shift:stop + shift] = chars[:, start:stop]
    return fixed_width_strings(dashed)


def _nullable(values: Any) -> np.ndarray:
    """Object values with NaN turned into None, for identity rows and conditional columns."""
    out = np.asarray(values, dtype=object).copy()
    out[pd.isna(out)] = None
    return out


# --- product --------------------------------------------------------------------------------


def _product(world: WorldChunk, ctx: ExportContext) -> tuple[Tables, list[pd.DataFrame]]:
    events, people, accounts = world.product_events, world.people, world.accounts
    consumer = ctx.company.config.consumer
    row = events["person_row"].to_numpy()
    name = events["event"].to_numpy()
    identified = events["user_id"].notna().to_numpy()

    signup = name == catalog.SIGNUP
    person_email = email_variant(people, seed=ctx.seed, tool=ctx.tool, personal_share=0.1)
    email = np.where(signup, person_email[row], None)
    workspace_of = accounts["workspace_id"].to_numpy()[people["account_row"].to_numpy()]
    workspace = np.where(identified & (not consumer), workspace_of[row], None)

    properties = np.full(len(events), None, dtype=object)
    views = np.nonzero(name == catalog.PAGE_VIEW)[0]
    page = ids.mix(ctx.seed, "generic:page", views) % np.uint64(len(_PAGES))
    properties[views] = [orjson.dumps({"path": _PAGES[p]}).decode() for p in page.astype(int)]
    signups = np.nonzero(signup)[0]
    plan_of = accounts["plan"].to_numpy()[people["account_row"].to_numpy()]
    properties[signups] = [orjson.dumps({"plan": p}).decode() for p in plan_of[row[signups]]]

    table = {
        "event_id": _uuid(ctx.seed, f"generic_product:event:{ctx.chunk}", np.arange(len(events))),
        "event": events["event"],
        "timestamp": events["time"].to_numpy(),
        "user_id": events["user_id"],
        "anonymous_id": events["device_id"],
        "email": email,
        "workspace_id": workspace,
        "utm_source": events["utm_source"],
        "utm_medium": events["utm_medium"],
        "utm_campaign": events["utm_campaign"],
        "click_id": events["click_id"],
        "referrer": events["referrer"],
        "properties": properties,
    }

    person_ids = people["person_id"].to_numpy()
    account_ids = people["account_id"].to_numpy()
    known = np.unique(row[identified])
    signed = np.unique(row[signup])
    identities = [
        identity_rows(ctx, "user_id", people["user_id"].to_numpy()[known], person_ids[known],
                      account_ids[known]),
        identity_rows(ctx, "email", person_email[signed], person_ids[signed],
                      account_ids[signed]),
        _shared_ids(ctx, "anonymous_id", events["device_id"], row, people),
    ]
    if not consumer:
        linked = np.unique(people["account_row"].to_numpy()[known])
        identities.append(
            identity_rows(ctx, "workspace_id", accounts["workspace_id"].to_numpy()[linked], None,
                          accounts["account_id"].to_numpy()[linked])
        )
    return {"events": table}, identities


def _shared_ids(
    ctx: ExportContext, kind: str, identifiers: pd.Series, rows: np.ndarray,
    people: pd.DataFrame,
) -> pd.DataFrame:
    """Identity rows for ids several people may share (a borrowed laptop, a kiosk): the
    person, or the account, is unknown where more than one is behind the id."""
    codes, unique = pd.factorize(identifiers)
    codes = codes.astype(np.int64)
    span = max(len(people), 1)
    pairs = np.unique(codes * span + rows)
    code, row = pairs // span, pairs % span
    people_behind = np.bincount(code, minlength=len(unique))
    account_row = people["account_row"].to_numpy()[row]
    accounts_span = int(account_row.max()) + 1 if len(row) else 1
    accounts_behind = np.bincount(
        np.unique(code * accounts_span + account_row) // accounts_span, minlength=len(unique)
    )
    first = row[np.unique(code, return_index=True)[1]]
    person = np.where(people_behind == 1, people["person_id"].to_numpy()[first], None)
    account = np.where(accounts_behind == 1, people["account_id"].to_numpy()[first], None)
    return identity_rows(ctx, kind, np.asarray(unique.to_numpy(), dtype=object), person, account)


# --- ads ------------------------------------------------------------------------------------


def _ads(world: WorldChunk, ctx: ExportContext) -> tuple[Tables, list[pd.DataFrame]]:
    """Spend is company-level: chunk 0 writes all of it, other chunks nothing. No row names
    a person or an account, so there are no identity rows."""
    if ctx.chunk != 0:
        return {}, []
    spend = ad_spend(ctx.company)
    config = ctx.company.config
    channels = config.generic_ad_channels or config.paid_channels
    spend = spend[spend["channel"].isin(channels)]
    campaigns = ctx.company.campaigns["campaign_key"].to_numpy()
    number = pd.Series(np.arange(len(campaigns)), index=campaigns)
    campaign_id = _text(
        ids.numeric(ctx.seed, "generic_ads:campaign", np.arange(len(campaigns)), 10**8, 10**9)
    )
    table = {
        "date": spend["date"].to_numpy(),
        "campaign_id": campaign_id[number.reindex(spend["campaign_key"]).to_numpy()],
        "campaign_name": spend["campaign_name"].to_numpy(),
        "channel": spend["channel"].to_numpy(),
        "spend": spend["spend"].to_numpy(),
        "currency": np.full(len(spend), CURRENCY, dtype=object),
        "clicks": spend["clicks"].to_numpy(),
        "impressions": spend["impressions"].to_numpy(),
        "conversions": spend["conversions"].to_numpy(),
    }
    return {"campaign_spend": table}, []


# --- crm ------------------------------------------------------------------------------------

# Disjoint id ranges, so that a customer's contact and a prospect never share an id.
_CONTACT_IDS = (100_000_000, 200_000_000)
_PROSPECT_CONTACT_IDS = (200_000_000, 300_000_000)
_DEAL_IDS = (300_000_000, 400_000_000)
_ACCOUNT_IDS = (1_000_000, 50_000_000)
_PROSPECT_ACCOUNT_IDS = (50_000_000, 99_000_000)


def _crm(world: WorldChunk, ctx: ExportContext) -> tuple[Tables, list[pd.DataFrame]]:
    people, accounts, deals, prospects = world.people, world.accounts, world.deals, world.prospects
    consumer = ctx.company.config.consumer
    seed = ctx.seed

    account_idx = accounts["account_idx"].to_numpy()
    account_crm = _text(ids.numeric(seed, "generic_crm:account", account_idx, *_ACCOUNT_IDS))
    first_deal = deals.groupby("account_row")["created_at"].min()
    signup = accounts["signup_at"].to_numpy()
    since = first_deal.reindex(np.arange(len(accounts))).to_numpy().astype("datetime64[s]")
    since = np.where(pd.isna(since) | (since > signup), signup, since).astype("datetime64[s]")

    in_crm = consumer | (people["position"].to_numpy() == 0) | share(
        seed, "generic_crm:member", people["person_idx"].to_numpy(), 0.6
    )
    members = people[in_crm].reset_index(drop=True)
    member_row = members["account_row"].to_numpy()
    member_idx = members["person_idx"].to_numpy()
    contact_id = _text(ids.numeric(seed, "generic_crm:contact", member_idx, *_CONTACT_IDS))
    member_email = email_variant(members, seed=seed, tool=ctx.tool)
    synced = share(seed, "generic_crm:user", member_idx, 0.5)
    admin = members["position"].to_numpy() == 0
    created = np.where(admin, since[member_row], members["joined_at"].to_numpy())

    prospect_idx = prospects["prospect_idx"].to_numpy()
    prospect_contact = _text(
        ids.numeric(seed, "generic_crm:prospect", prospect_idx, *_PROSPECT_CONTACT_IDS)
    )
    prospect_account = _text(
        ids.numeric(seed, "generic_crm:prospect_account", prospect_idx, *_PROSPECT_ACCOUNT_IDS)
    )
    prospect_domain = np.char.partition(prospects["email"].to_numpy().astype(str), "@")[:, 2]
    no_account = np.full(len(prospects), None, dtype=object)

    contacts = {
        "contact_id": np.concatenate([contact_id, prospect_contact]),
        "email": np.concatenate([member_email, prospects["email"].to_numpy()]),
        "first_name": np.concatenate([members["first_name"], prospects["first_name"]]),
        "last_name": np.concatenate([members["last_name"], prospects["last_name"]]),
        "account_id": np.concatenate([
            np.full(len(members), None, dtype=object) if consumer else account_crm[member_row],
            no_account if consumer else prospect_account,
        ]),
        "user_id": np.concatenate([
            np.where(synced, members["user_id"].to_numpy(), None), no_account
        ]),
        "lifecycle_stage": np.concatenate([
            np.full(len(members), "customer", dtype=object),
            np.full(len(prospects), "lead", dtype=object),
        ]),
        "created_at": np.concatenate([created, prospects["created_at"].to_numpy()]),
    }
    tables: Tables = {"contacts": contacts}

    customer_of_contact = members["account_id"].to_numpy()
    prospect_ids = prospects["prospect_id"].to_numpy()
    identities = [
        identity_rows(ctx, "contact_id", contact_id, members["person_id"].to_numpy(),
                      customer_of_contact),
        identity_rows(ctx, "email", member_email, members["person_id"].to_numpy(),
                      customer_of_contact),
        identity_rows(ctx, "user_id", members["user_id"].to_numpy()[synced],
                      members["person_id"].to_numpy()[synced], customer_of_contact[synced]),
        # A prospect is a real person who is no customer: their own id, no account.
        identity_rows(ctx, "contact_id", prospect_contact, prospect_ids, None),
        identity_rows(ctx, "email", prospects["email"].to_numpy(), prospect_ids, None),
    ]
    if consumer:
        return tables, identities

    tables["accounts"] = {
        "account_id": np.concatenate([account_crm, prospect_account]),
        "name": np.concatenate([accounts["name"], prospects["company"]]),
        "domain": np.concatenate([accounts["domain"], prospect_domain.astype(object)]),
        "industry": np.concatenate([accounts["industry"], no_account]),
        "country": np.concatenate([accounts["country"], no_account]),
        "employees": np.concatenate([
            accounts["employees"].to_numpy().astype(np.float64), np.full(len(prospects), np.nan)
        ]),
        "created_at": np.concatenate([since, prospects["created_at"].to_numpy()]),
    }
    tables["deals"] = _deals(world, ctx, account_crm, dict(zip(member_row[admin],
                                                                contact_id[admin])))
    identities += [
        identity_rows(ctx, "crm_account_id", account_crm, None, accounts["account_id"]),
        identity_rows(ctx, "domain", accounts["domain"], None, accounts["account_id"]),
        identity_rows(ctx, "crm_account_id", prospect_account, None, None),
        identity_rows(ctx, "domain", prospect_domain, None, None),
    ]
    return tables, identities


def _deals(
    world: WorldChunk, ctx: ExportContext, account_crm: np.ndarray, admin_contact: dict[int, str]
) -> Columns:
    deals = world.deals
    account_row = deals["account_row"].to_numpy()
    expansion = deals["kind"].to_numpy() == "expansion"
    global_index = world.accounts["account_idx"].to_numpy()[account_row] * 2 + expansion
    stage = deals["stage"].to_numpy()
    closed = np.char.startswith(stage.astype(str), "closed")
    return {
        "deal_id": _text(ids.numeric(ctx.seed, "generic_crm:deal", global_index, *_DEAL_IDS)),
        "account_id": account_crm[account_row],
        "contact_id": np.array([admin_contact.get(r) for r in account_row], dtype=object),
        "name": deals["name"].to_numpy(),
        "amount": deals["amount"].to_numpy(),
        "currency": np.full(len(deals), CURRENCY, dtype=object),
        "stage": stage,
        "is_won": stage == "closed_won",
        "is_closed": closed,
        "created_at": deals["created_at"].to_numpy(),
        "closed_at": np.where(closed, deals["close_at"].to_numpy(), np.datetime64("NaT")),
    }


# --- support --------------------------------------------------------------------------------

_REQUESTER_IDS = (100_000_000, 200_000_000)
_ROLE_REQUESTER_IDS = (200_000_000, 300_000_000)
_TICKET_NUMBERS_PER_CHUNK = 100_000_000


def _support(world: WorldChunk, ctx: ExportContext) -> tuple[Tables, list[pd.DataFrame]]:
    tickets, people, accounts = world.tickets, world.people, world.accounts
    consumer = ctx.company.config.consumer
    row = tickets["person_row"].to_numpy()
    account_row = people["account_row"].to_numpy()[row]
    role = tickets["from_role_address"].to_numpy().astype(bool)

    person_requester = _text(ids.numeric(ctx.seed, "generic_support:requester",
                                         people["person_idx"].to_numpy(), *_REQUESTER_IDS))
    role_requester = _text(ids.numeric(ctx.seed, "generic_support:role",
                                       accounts["account_idx"].to_numpy(), *_ROLE_REQUESTER_IDS))
    requester = np.where(role, role_requester[account_row], person_requester[row])
    person_email = email_variant(people, seed=ctx.seed, tool=ctx.tool)
    email = np.where(role, tickets["requester_email"].to_numpy(), person_email[row])
    in_app = ~role & np.isin(tickets["channel"].to_numpy(), ["web", "chat"])
    user_id = np.where(in_app, people["user_id"].to_numpy()[row], None)
    workspace = accounts["workspace_id"].to_numpy()[account_row]
    synced_org = share(ctx.seed, "generic_support:org", accounts["account_idx"].to_numpy(), 0.7)
    account_link = np.where(synced_org[account_row] & (not consumer), workspace, None)

    number = ctx.chunk * _TICKET_NUMBERS_PER_CHUNK + np.arange(1, len(tickets) + 1)
    table = {
        "ticket_id": _text(number),
        "requester_id": requester,
        "requester_email": email,
        "user_id": user_id,
        "account_id": account_link,
        "created_at": tickets["created_at"].to_numpy(),
        "solved_at": tickets["solved_at"].to_numpy(),
        "status": tickets["status"].to_numpy(),
        "priority": tickets["priority"].to_numpy(),
        "category": tickets["category"].to_numpy(),
        "channel": tickets["channel"].to_numpy(),
        "subject": tickets["subject"].to_numpy(),
        "satisfaction": _nullable(tickets["satisfaction"]),
    }

    person = np.where(role, None, tickets["person_id"].to_numpy())
    account = tickets["account_id"].to_numpy()
    linked = pd.notna(account_link)
    identities = [
        identity_rows(ctx, "requester_id", requester, person, account),
        identity_rows(ctx, "email", email, person, account),
        identity_rows(ctx, "user_id", user_id[in_app], person[in_app], account[in_app]),
        identity_rows(ctx, "workspace_id", account_link[linked], None, account[linked]),
    ]
    return {"tickets": table}, identities


# --- lifecycle ------------------------------------------------------------------------------


def _lifecycle(world: WorldChunk, ctx: ExportContext) -> tuple[Tables, list[pd.DataFrame]]:
    events, people = world.email_events, world.people
    row = events["person_row"].to_numpy()
    known = share(ctx.seed, "generic_lifecycle:user", people["person_idx"].to_numpy(), 0.8)
    address = np.where(
        known,
        email_variant(people, seed=ctx.seed, tool=ctx.tool, personal_share=0.1),
        email_variant(people, seed=ctx.seed, tool=ctx.tool),
    )
    send = events["send_id"].to_numpy()
    message = _hex_chars(ctx.seed, f"generic_lifecycle:message:{ctx.chunk}", send.clip(0), 24)

    table = {
        "event_id": _uuid(ctx.seed, f"generic_lifecycle:event:{ctx.chunk}",
                          np.arange(len(events))),
        "message_id": fixed_width_strings(message, send >= 0),
        "email": address[row],
        "user_id": np.where(known[row], people["user_id"].to_numpy()[row], None),
        "campaign": events["campaign_name"],
        "metric": events["metric"],
        "timestamp": events["time"].to_numpy(),
    }

    present = np.unique(row)
    with_user = present[known[present]]
    person_ids, account_ids = people["person_id"].to_numpy(), people["account_id"].to_numpy()
    identities = [
        identity_rows(ctx, "email", address[present], person_ids[present],
                      account_ids[present]),
        identity_rows(ctx, "user_id", people["user_id"].to_numpy()[with_user],
                      person_ids[with_user], account_ids[with_user]),
    ]
    return {"email_events": table}, identities


# --- billing --------------------------------------------------------------------------------


def _billing(world: WorldChunk, ctx: ExportContext) -> tuple[Tables, list[pd.DataFrame]]:
    accounts, subs, invoices = world.accounts, world.subscriptions, world.invoices
    seed, consumer = ctx.seed, ctx.company.config.consumer
    account_idx = accounts["account_idx"].to_numpy()
    admins = accounts[["account_id"]].merge(
        world.people[world.people["position"] == 0], on="account_id", how="left"
    )

    customer_id = np.char.add("cust_", ids.base36(seed, "generic_billing:customer",
                                                  account_idx, 12).astype(str)).astype(object)
    role = (not consumer) & share(seed, "generic_billing:role", account_idx, 0.3)
    role_email = np.char.add("billing@", accounts["domain"].to_numpy().astype(str))
    admin_email = email_variant(admins, seed=seed, tool=ctx.tool, plus_share=0.0)
    email = np.where(role, role_email.astype(object), admin_email)
    with_user = share(seed, "generic_billing:user", account_idx, 0.6)
    with_workspace = (not consumer) & share(seed, "generic_billing:workspace", account_idx, 0.5)
    customers = {
        "customer_id": customer_id,
        "email": email,
        "name": accounts["name"].to_numpy(),
        "user_id": np.where(with_user, admins["user_id"].to_numpy(), None),
        "workspace_id": np.where(with_workspace, accounts["workspace_id"].to_numpy(), None),
        "created_at": accounts["signup_at"].to_numpy(),
    }

    sub_row = subs["account_row"].to_numpy()
    subscription_id = np.char.add("subs_", ids.base36(seed, "generic_billing:subscription",
                                                      account_idx[sub_row], 12).astype(str))
    subscriptions = {
        "subscription_id": subscription_id.astype(object),
        "customer_id": customer_id[sub_row],
        "plan": subs["plan"].to_numpy(),
        "status": subs["status"].to_numpy(),
        "quantity": subs["quantity"].to_numpy(),
        "unit_amount": subs["unit_amount_cents"].to_numpy() / 100.0,
        "currency": np.full(len(subs), CURRENCY, dtype=object),
        "interval": np.full(len(subs), "month", dtype=object),
        "started_at": subs["start_at"].to_numpy(),
        "trial_end": subs["trial_end"].to_numpy(),
        "canceled_at": subs["canceled_at"].to_numpy(),
        "ended_at": subs["ended_at"].to_numpy(),
    }

    invoice_row = invoices["account_row"].to_numpy()
    subscription_of = pd.Series(subscription_id.astype(object), index=sub_row)
    due = invoices["amount_cents"].to_numpy() / 100.0
    paid = invoices["status"].to_numpy() == "paid"
    global_index = account_idx[invoice_row] * 1000 + invoices["cycle"].to_numpy()
    tables = {
        "customers": customers,
        "subscriptions": subscriptions,
        "invoices": {
            "invoice_id": np.char.add("inv_", ids.base36(seed, "generic_billing:invoice",
                                                         global_index, 14).astype(str)),
            "customer_id": customer_id[invoice_row],
            "subscription_id": subscription_of.reindex(invoice_row).to_numpy(),
            "status": invoices["status"].to_numpy(),
            "amount_due": due,
            "amount_paid": np.where(paid, due, 0.0),
            "currency": np.full(len(invoices), CURRENCY, dtype=object),
            "created_at": invoices["period_start"].to_numpy(),
            "period_start": invoices["period_start"].to_numpy(),
            "period_end": invoices["period_end"].to_numpy(),
            "paid_at": invoices["paid_at"].to_numpy(),
        },
    }
    tables["invoices"]["invoice_id"] = tables["invoices"]["invoice_id"].astype(object)

    account_ids = accounts["account_id"].to_numpy()
    person = admins["person_id"].to_numpy()
    linked = with_workspace
    identities = [
        identity_rows(ctx, "customer_id", customer_id, None, account_ids),
        identity_rows(ctx, "email", email, np.where(role, None, person), account_ids),
        identity_rows(ctx, "user_id", admins["user_id"].to_numpy()[with_user],
                      person[with_user], account_ids[with_user]),
        identity_rows(ctx, "workspace_id", accounts["workspace_id"].to_numpy()[linked], None,
                      account_ids[linked]),
    ]
    return tables, identities


# --- surveys --------------------------------------------------------------------------------


def _surveys(world: WorldChunk, ctx: ExportContext) -> tuple[Tables, list[pd.DataFrame]]:
    responses, people = world.survey_responses, world.people
    row = responses["person_row"].to_numpy()
    in_app = share(ctx.seed, "generic_surveys:in_app",
                   ctx.chunk * 10**7 + responses["response_idx"].to_numpy(), 0.5)
    address = np.where(
        in_app,
        email_variant(people, seed=ctx.seed, tool=ctx.tool, personal_share=0.1)[row],
        email_variant(people, seed=ctx.seed, tool=ctx.tool)[row],
    )
    user_id = np.where(in_app, people["user_id"].to_numpy()[row], None)
    response_id = ids.base36(ctx.seed, f"generic_surveys:response:{ctx.chunk}",
                             responses["response_idx"].to_numpy(), 16)
    table = {
        "response_id": response_id,
        "email": address,
        "user_id": user_id,
        "score": responses["score"].to_numpy(),
        "comment": _nullable(responses["comment"]),
        "survey_type": responses["survey_type"].to_numpy(),
        "created_at": responses["created_at"].to_numpy(),
    }

    person, account = responses["person_id"].to_numpy(), responses["account_id"].to_numpy()
    identities = [
        identity_rows(ctx, "email", address, person, account),
        identity_rows(ctx, "user_id", user_id[in_app], person[in_app], account[in_app]),
    ]
    return {"responses": table}, identities


_BUILDERS: dict[str, Callable[[WorldChunk, ExportContext], tuple[Tables, list[pd.DataFrame]]]] = {
    "product": _product,
    "ads": _ads,
    "crm": _crm,
    "support": _support,
    "lifecycle": _lifecycle,
    "billing": _billing,
    "surveys": _surveys,
}
