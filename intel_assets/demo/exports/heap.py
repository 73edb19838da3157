"""Heap: Heap Connect's S3 sync, Avro files under per-dump folders with JSON manifests.

Layout: `sync_<dump_id>/<table>/part-<NNNNN>-<guid>.avro` and
`manifests/sync_<dump_id>_<NNNNN>.json` (`{dump_id, tables: [{name, columns, files,
incremental}], property_definitions}`). The part number is the chunk, so the chunks of a big
demo write side by side. A real dump writes one manifest listing all its parts; here each
chunk writes its own manifest for its parts, so a dump's files are the union of its
manifests.

Two dumps: an initial full sync (`incremental: false`) of everything before
`INITIAL_SYNC_UNTIL`, then an incremental one (`incremental: true`) of everything from it
on. A user whose properties changed after the first sync (the identify at signup, most
often) is written again by the second, with a later `last_modified`: the users table holds
repeats that staging resolves by `user_id`, latest `last_modified`.

Tables: `users` (`user_id` int64, `identity` = the app's user id, `email`, `joindate`,
`last_modified`, custom `name`, `workspace_id`), `sessions` (one per session start of the
world plus each person's landing visit, with `landing_page`, `landing_page_query`,
`referrer`, `utm_*`), `pageviews`, one table per tracked event (`EVENT_TABLES`, also in
`dbt/seeds/product_event_names.csv`) and `user_migrations`. Pageviews and event tables
repeat their session's columns, as Heap Connect does. The signup table carries the app's
custom properties `email` and the landing URL's click id (`gclid`, `fbclid`, `li_fat_id`).
Every event carries the workspace as the event property `workspace_id` (set with
`addEventProperties` from the landing page on, so anonymous page views carry it too; a real
site learns it at signup, or from an invite link).

Times are Avro strings `YYYY-MM-DD HH:MM:SS` in UTC without a zone, not a timestamp logical
type: singer-io/tap-heap reads these files with a type mapping that knows only primitive
Avro types, so Heap's files cannot carry logical types. Files use the deflate codec. Each
event-table record also carries `event_table_name`, the column Heap's own `all_events`
table uses for it, so that one raw table can hold every event table without losing which
one a row came from (the file path says it as well).

Identity: a browser's cookie is a Heap user. The device a person signs up on keeps one user
from their first page view on (identify with a new identity keeps the current user). The
first visit from any other device starts as a fresh anonymous user, which the identify
call then migrates into the person's user: that event keeps the anonymous `user_id`, and
`user_migrations` holds the move (S3 syncs do not rewrite it). One anonymous user per
person and device, even on a laptop two people share: a simplification of Heap's cookie,
which would hand the borrowed laptop's events to whoever logged in on it last.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import orjson
import pandas as pd

from intel_assets.demo import catalog
from intel_assets.demo.exports import product_common as common
from intel_assets.demo.exports.base import ExportContext
from intel_assets.demo.exports.byte_rows import ByteRows, varint_bytes
from intel_assets.demo.exports.formats import write_json
from intel_assets.demo.world import WorldChunk

# neutral event -> Heap Connect table (sessions and pageviews are Heap's own tables)
EVENT_TABLES = {
    catalog.SESSION: "sessions",
    catalog.PAGE_VIEW: "pageviews",
    catalog.SIGNUP: "account_sign_up",
    "report_created": "reports_create_report",
    "dashboard_shared": "dashboards_share_dashboard",
    "integration_connected": "integrations_connect_integration",
    "data_exported": "data_export_data",
    catalog.INVITE: "team_invite_teammate",
}
TRACKED_TABLES = tuple(t for t in EVENT_TABLES.values() if t not in ("sessions", "pageviews"))
INITIAL_SYNC_UNTIL = np.datetime64("2026-03-01T00:00:00", "s")
# Nightly dumps are numbered on from the connection's first; these are the nights of the
# two syncs, counted from the demo's start.
DUMP_IDS = (
    1_000 + int((INITIAL_SYNC_UNTIL - np.datetime64(catalog.START, "s")) / np.timedelta64(1, "D")),
    1_000 + (catalog.END - catalog.START).days,
)
BUCKET = "heap-rs3-example-saas"
LIBRARY = "web"
BLOCK_RECORDS = 10_000

_STRING = ["null", "string"]
_SESSION_FIELDS = (
    ("library", "string"), ("platform", "string"), ("device_type", "string"),
    ("country", "string"), ("browser", "string"), ("referrer", _STRING),
    ("landing_page", "string"), ("landing_page_query", _STRING),
    ("utm_source", _STRING), ("utm_medium", _STRING), ("utm_campaign", _STRING),
    ("utm_term", _STRING), ("utm_content", _STRING),
)
_PAGE_FIELDS = (
    ("domain", "string"), ("path", "string"), ("query", _STRING), ("hash", _STRING),
    ("title", "string"),
)
_EVENT_FIELDS = (
    ("event_id", "long"), ("user_id", "long"), ("session_id", "long"), ("time", "string"),
    ("event_table_name", "string"), *_PAGE_FIELDS, *_SESSION_FIELDS, ("workspace_id", _STRING),
)
SCHEMAS: dict[str, tuple[tuple[str, object], ...]] = {
    "users": (
        ("user_id", "long"), ("identity", _STRING), ("handle", _STRING), ("email", _STRING),
        ("joindate", "string"), ("last_modified", "string"), ("name", _STRING),
        ("workspace_id", _STRING),
    ),
    "sessions": (
        ("session_id", "long"), ("user_id", "long"), ("time", "string"), *_SESSION_FIELDS,
        ("workspace_id", _STRING),
    ),
    "pageviews": tuple(f for f in _EVENT_FIELDS if f[0] != "event_table_name"),
    "user_migrations": (("from_user_id", "long"), ("to_user_id", "long"), ("time", "string")),
    **{table: _EVENT_FIELDS for table in TRACKED_TABLES},
    "account_sign_up": (
        *_EVENT_FIELDS, ("email", _STRING), *((p, _STRING) for p in common.CLICK_PARAMS),
    ),
}


@dataclass(frozen=True)
class Coded:
    """A string column given as codes into a list of values (-1 or None: null)."""

    codes: np.ndarray
    values: list


@dataclass(frozen=True)
class Table:
    """One Heap table: its columns (int64 arrays, object arrays, `Coded`, fixed-width time
    bytes, or a scalar for a constant) and which dump holds each row."""

    name: str
    columns: dict[str, object]
    dump: np.ndarray


def export(world: WorldChunk, ctx: ExportContext) -> pd.DataFrame:
    people = world.people
    emails = common.tool_emails(world, ctx)
    events = common.prepared_events(world, ctx, emails)
    person = events["person_row"]

    identified_user = heap_user_ids(ctx.seed, people["person_idx"].to_numpy(), 0)
    visitor_user = heap_user_ids(ctx.seed, people["person_idx"].to_numpy(), 1)
    first_visit = _first_visits(events, people)
    user = np.where(first_visit, visitor_user[person], identified_user[person])
    event_ids = common.bijective_ids(ctx.seed, "heap:event", events["seq"])
    session_number, session_table = common.sessions(events)
    session_ids = common.bijective_ids(
        ctx.seed, "heap:session", common.global_index(ctx.chunk, np.arange(len(session_table)))
    )
    lead = session_table["first"].to_numpy()[session_number]

    dump_of_event = (events["time"] >= INITIAL_SYNC_UNTIL).astype(np.int64)
    first = session_table["first"].to_numpy()
    tables = [
        _users(world, events, emails, identified_user, visitor_user, first_visit),
        Table("sessions", {
            "session_id": session_ids,
            "user_id": user[first],
            "time": common.text_times(session_table["time"].to_numpy(), "s"),
            **_session_columns(world, events, first),
        }, dump_of_event[first]),
        Table("user_migrations", {
            "from_user_id": user[first_visit],
            "to_user_id": identified_user[person[first_visit]],
            "time": common.text_times(events["time"][first_visit], "s"),
        }, dump_of_event[first_visit]),
    ]
    for event, table in EVENT_TABLES.items():
        if table == "sessions":
            continue
        picked = np.nonzero(events["event_code"] == common.EVENTS.index(event))[0]
        columns = {
            "event_id": event_ids[picked],
            "user_id": user[picked],
            "session_id": session_ids[session_number[picked]],
            "time": common.text_times(events["time"][picked], "s"),
            "event_table_name": table,
            **_page_columns(events, picked),
            **_session_columns(world, events, lead[picked]),
            "workspace_id": Coded(events["account_row"][picked],
                                  world.accounts["workspace_id"].tolist()),
        }
        if event == catalog.SIGNUP:
            columns["email"] = events["email"][picked]
            param = events["click_id_param"][picked]
            click = events["click_id"][picked]
            for name in common.CLICK_PARAMS:
                columns[name] = np.where(param == name, click, None)
        tables.append(Table(table, columns, dump_of_event[picked]))
    _write_dumps(ctx, tables)

    return pd.concat(
        [
            common.person_identities(ctx, "tool_user_id", identified_user, people),
            common.owned_identities(
                ctx, "tool_user_id", user[first_visit], events["person_id"][first_visit],
                events["account_id"][first_visit],
            ),
            common.person_identities(ctx, "user_id", people["user_id"], people),
            common.person_identities(ctx, "email", emails, people),
            common.workspace_identities(ctx, world),
        ],
        ignore_index=True,
    ).drop_duplicates(ignore_index=True)


def heap_user_ids(seed: int, person_idx: np.ndarray, slot: int) -> np.ndarray:
    """Heap's 16-digit user ids: slot 0 is the person's own (identified) user, slot 1 the
    anonymous user of their first visit from another device."""
    return common.bijective_ids(seed, "heap:user", np.asarray(person_idx) * 4 + slot)


def _first_visits(events: common.ProductEvents, people: pd.DataFrame) -> np.ndarray:
    """The first event of each person from a device other than the one they signed up on:
    it is recorded under that device's fresh anonymous user, before identify migrates it."""
    person = events["person_row"]
    other = events["device_id"] != people["device_id"].to_numpy()[person]
    order = np.lexsort((events["time"], person))
    visits = order[other[order]]
    _, firsts = np.unique(person[visits], return_index=True)
    first_visit = np.zeros(len(person), dtype=bool)
    first_visit[visits[firsts]] = True
    return first_visit


def _session_columns(
    world: WorldChunk, events: common.ProductEvents, lead: np.ndarray
) -> dict[str, object]:
    """Session-level columns, taken from each session's first event (`lead`)."""
    query = events["query"][lead]
    countries = [common.COUNTRY_NAMES[c] for c in world.accounts["country"].tolist()]
    return {
        "library": LIBRARY,
        "platform": Coded(events["browser_code"][lead], list(common.SYSTEMS)),
        "device_type": "Desktop",
        "country": Coded(events["account_row"][lead], countries),
        "browser": Coded(events["browser_code"][lead], list(common.BROWSERS)),
        "referrer": events["referrer"][lead],
        "landing_page": Coded(events["page_code"][lead], [p.url for p in common.PAGES]),
        "landing_page_query": query,
        "utm_source": events["utm_source"][lead],
        "utm_medium": events["utm_medium"][lead],
        "utm_campaign": events["utm_campaign"][lead],
        "utm_term": None,
        "utm_content": None,
        "workspace_id": Coded(events["account_row"][lead],
                              world.accounts["workspace_id"].tolist()),
    }


def _page_columns(events: common.ProductEvents, picked: np.ndarray) -> dict[str, object]:
    page = events["page_code"][picked]
    return {
        "domain": Coded(page, [p.domain for p in common.PAGES]),
        "path": Coded(page, [p.path for p in common.PAGES]),
        "query": events["query"][picked],
        "hash": None,
        "title": Coded(page, [p.title for p in common.PAGES]),
    }


def _users(
    world: WorldChunk,
    events: common.ProductEvents,
    emails: np.ndarray,
    identified_user: np.ndarray,
    visitor_user: np.ndarray,
    first_visit: np.ndarray,
) -> Table:
    """Every Heap user's state as each dump saw it: one row in the first dump for the users
    it saw, one more in the second for users new or changed since."""
    people = world.people
    person = events["person_row"]
    times = events["time"]
    own = ~first_visit
    first_seen = pd.Series(times[own]).groupby(person[own]).min()
    joindate = first_seen.reindex(np.arange(len(people))).to_numpy().astype("datetime64[s]")
    identified_at = people["joined_at"].to_numpy().astype("datetime64[s]")
    workspace = world.accounts["workspace_id"].to_numpy()[people["account_row"].to_numpy()]
    names = (people["first_name"] + " " + people["last_name"]).to_numpy(dtype=object)

    # A merge (the migration of another device's user into this one) also bumps
    # `last_modified`, so a user merged after the first sync is written again by the second.
    merged_at = np.full(len(people), np.datetime64("NaT"), dtype="datetime64[s]")
    merged_at[person[first_visit]] = times[first_visit]

    parts = []
    for dump, (start, end) in enumerate(((None, INITIAL_SYNC_UNTIL), (INITIAL_SYNC_UNTIL, None))):
        everyone = np.ones(len(people), dtype=bool)
        seen = joindate < end if end is not None else everyone
        known = identified_at < end if end is not None else everyone
        merged = ~np.isnat(merged_at) & ((merged_at < end) if end is not None else everyone)
        changed = seen if start is None else seen & (
            (joindate >= start) | (identified_at >= start) | (merged & (merged_at >= start))
        )
        modified = np.where(known, np.maximum(identified_at, joindate), joindate)
        modified = np.where(merged, np.maximum(modified, merged_at), modified)
        parts.append({
            "user_id": identified_user[changed],
            "identity": np.where(known, people["user_id"].to_numpy(dtype=object), None)[changed],
            "email": np.where(known, emails, None)[changed],
            "joindate": joindate[changed],
            "last_modified": modified[changed],
            "name": np.where(known, names, None)[changed],
            "workspace_id": np.where(known, workspace, None)[changed],
            "dump": np.full(int(changed.sum()), dump),
        })
    visit_times = times[first_visit]
    none = np.full(len(visit_times), None, dtype=object)
    parts.append({
        "user_id": visitor_user[person[first_visit]], "identity": none, "email": none,
        "joindate": visit_times, "last_modified": visit_times, "name": none,
        "workspace_id": none,
        "dump": (visit_times >= INITIAL_SYNC_UNTIL).astype(np.int64),
    })
    merged = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    return Table("users", {
        "user_id": merged["user_id"],
        "identity": merged["identity"],
        "handle": None,
        "email": merged["email"],
        "joindate": common.text_times(merged["joindate"], "s"),
        "last_modified": common.text_times(merged["last_modified"], "s"),
        "name": merged["name"],
        "workspace_id": merged["workspace_id"],
    }, merged["dump"])


def _write_dumps(ctx: ExportContext, tables: list[Table]) -> None:
    """Writes each table's rows into the dump that holds them, and one manifest per dump
    listing this chunk's parts."""
    encoded = {table.name: _records(table, len(table.dump)) for table in tables}
    for dump, dump_id in enumerate(DUMP_IDS):
        entries = []
        for table in tables:
            fields = SCHEMAS[table.name]
            rows = np.nonzero(table.dump == dump)[0]
            guid = common.uuids(ctx.seed, f"heap:part:{dump_id}:{table.name}",
                                np.array([ctx.chunk]))[0].decode()
            relative = f"sync_{dump_id}/{table.name}/part-{ctx.chunk:05d}-{guid}.avro"
            files = []
            if len(rows):
                path = ctx.path(*relative.split("/"))
                path.write_bytes(_avro_file(ctx, table.name, fields, encoded[table.name], rows))
                files.append(f"s3://{BUCKET}/{relative}")
            entries.append(
                {
                    "name": table.name,
                    "columns": [name for name, _ in fields],
                    "files": files,
                    "incremental": dump > 0,
                }
            )
        write_json(
            ctx.path("manifests", f"sync_{dump_id}_{ctx.chunk:05d}.json"),
            {
                "dump_id": dump_id,
                "tables": entries,
                "property_definitions": f"s3://{BUCKET}/sync_{dump_id}/property_definitions.json",
            },
        )


def _records(table: Table, n: int) -> ByteRows:
    """The Avro binary encoding of every row of a table, column by column."""
    rows = ByteRows(n)
    for name, kind in SCHEMAS[table.name]:
        value = table.columns.get(name)
        nullable = kind == _STRING
        if kind == "long":
            rows.avro_long(np.asarray(value, dtype=np.int64))
        elif isinstance(value, Coded):
            rows.avro_coded(value.codes, value.values, nullable=nullable)
        elif value is None or isinstance(value, str):
            if value is None and not nullable:
                raise ValueError(f"{table.name}.{name}: a constant null in a required column")
            rows.literal(b"\x00" if value is None else _avro_string(value, nullable))
        elif isinstance(value, np.ndarray) and value.dtype.kind == "S":
            width = value.dtype.itemsize
            rows.literal((b"\x02" if nullable else b"") + varint_bytes(width))
            rows.fixed(value.view(np.uint8).reshape(n, width))
        else:
            rows.avro_string(np.asarray(value, dtype=object), nullable=nullable)
    return rows


def _avro_string(value: str, nullable: bool) -> bytes:
    data = value.encode()
    return (b"\x02" if nullable else b"") + varint_bytes(len(data)) + data


def _avro_file(
    ctx: ExportContext,
    table: str,
    fields: tuple[tuple[str, object], ...],
    rows: ByteRows,
    picked: np.ndarray,
) -> bytes:
    """An Avro object container file: header (schema, codec, sync marker), then deflated
    blocks of up to `BLOCK_RECORDS` records each followed by the marker."""
    schema = {
        "type": "record",
        "name": table,
        "namespace": "heap",
        "fields": [{"name": name, "type": kind} for name, kind in fields],
    }
    sync = common.uuids(ctx.seed, f"heap:sync:{table}", np.array([ctx.chunk]))[0][:16]
    meta = {"avro.schema": orjson.dumps(schema), "avro.codec": b"deflate"}
    header = [b"Obj\x01", varint_bytes(len(meta))]
    for key, value in meta.items():
        header += [varint_bytes(len(key)), key.encode(), varint_bytes(len(value)), value]
    header += [b"\x00", sync]
    parts = [b"".join(header)]
    for start in range(0, len(picked), BLOCK_RECORDS):
        block = picked[start:start + BLOCK_RECORDS]
        packer = zlib.compressobj(1, zlib.DEFLATED, -15)
        data = packer.compress(rows.build(block)) + packer.flush()
        parts += [varint_bytes(len(block)), varint_bytes(len(data)), data, sync]
    return b"".join(parts)
