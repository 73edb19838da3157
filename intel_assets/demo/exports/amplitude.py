"""Amplitude: the Export API's zip of gzip JSON-lines files.

Each zip is the body of one `GET /api/2/export?start=…&end=…` call covering a calendar month
of server upload time, one zip per month per chunk. Inside, entries follow Amplitude's
`{project}/{project}_{YYYY-MM-DD}_{H}#{n}.json.gz` naming but are sharded by **day**, not by
hour: every entry holds a whole UTC day and is named as that day's hour 0, with the chunk as
the shard number `n` so that the archives of all chunks unzip into one folder side by side.
A month of events is then about thirty entries instead of seven hundred tiny ones.

Each line is one event: `event_type` in snake case (`EVENT_NAMES`, also in
`dbt/seeds/product_event_names.csv`), `user_id` (null before signup), `device_id`,
`amplitude_id` (int64, one per person: the anonymous device's id, which the user inherits at
the signup that merges them), `uuid`, `$insert_id`, `event_id`, `session_id` (epoch ms of the
session start), `event_time` and `server_upload_time` as `YYYY-MM-DD HH:MM:SS.ffffff` in UTC
without a zone (the client-side times and most device fields are left out), the workspace
as `groups: {"workspace": [id]}`, and `user_properties` as the SDK snapshots them: the email
from the signup on, the landing UTMs and click id (`utm_*`, `gclid`/`fbclid`/`li_fat_id` and
their `initial_*` forms) from the landing page on. Page views and the signup carry the page
URL, with the landing query string, as the event property `[Amplitude] Page Location`.
Everybody in the world uses the product, so everybody is here.
"""

from __future__ import annotations

import gzip
import zipfile

import numpy as np
import orjson
import pandas as pd

from intel_assets.demo import catalog, ids
from intel_assets.demo.exports import product_common as common
from intel_assets.demo.exports.base import ExportContext
from intel_assets.demo.exports.byte_rows import ByteRows
from intel_assets.demo.world import WorldChunk

# neutral event -> Amplitude event_type
EVENT_NAMES = {
    catalog.SESSION: "session_start",
    catalog.SIGNUP: "sign_up",
    catalog.PAGE_VIEW: "page_view",
    "report_created": "create_report",
    "dashboard_shared": "share_dashboard",
    "integration_connected": "connect_integration",
    "data_exported": "export_data",
    catalog.INVITE: "invite_teammate",
}
ATTRIBUTION = ("utm_source", "utm_medium", "utm_campaign")


def project_id(seed: int) -> int:
    return 100_000 + ids.hash_text(f"{seed}:amplitude:project") % 900_000


def export(world: WorldChunk, ctx: ExportContext) -> pd.DataFrame:
    people = world.people
    emails = common.tool_emails(world, ctx)
    events = common.prepared_events(world, ctx, emails)
    seq = events["seq"]
    app = project_id(ctx.seed)

    amplitude_ids = amplitude_id_of(ctx.seed, people["person_idx"].to_numpy())
    person_rows = events["person_row"]
    session_number, session_table = common.sessions(events)
    session_ms = session_table["time"].to_numpy().astype("datetime64[ms]").astype(np.int64)
    times = events["time"]
    lag = (ids.mix(ctx.seed, "amplitude:lag", seq) % np.uint64(9_000)).astype(np.int64)
    server_upload = times + (600 + lag).astype("timedelta64[ms]")

    rows = ByteRows(len(events))
    _head_fields(
        rows, world, events,
        app=app,
        amplitude_ids=amplitude_ids[person_rows],
        uuids=common.uuids(ctx.seed, "amplitude:uuid", seq),
        insert_ids=common.uuids(ctx.seed, "amplitude:insert", seq),
        event_ids=_counters(person_rows, times),
        session_ms=session_ms[session_number],
        event_time=common.text_times(times, "us"),
        server_upload=common.text_times(server_upload, "us"),
    )
    _page_properties(rows, events)
    _user_properties(rows, events, emails)
    rows.literal(b',"groups":{"workspace":[')
    rows.json_coded(events["account_row"], world.accounts["workspace_id"].tolist())
    rows.literal(b"]}}")
    _write_archives(ctx, app, rows, server_upload)

    return pd.concat(
        [
            common.device_identities(ctx, events, people),
            common.person_identities(ctx, "tool_user_id", amplitude_ids, people),
            common.person_identities(ctx, "user_id", people["user_id"], people),
            common.person_identities(ctx, "email", emails, people),
            common.workspace_identities(ctx, world),
        ],
        ignore_index=True,
    ).drop_duplicates(ignore_index=True)


def amplitude_id_of(seed: int, person_idx: np.ndarray) -> np.ndarray:
    """Amplitude's own 12-digit user id: one per person, since each person's anonymous
    history is on the device they sign up with and the merge hands its id to the user."""
    return np.asarray(ids.numeric(seed, "amplitude:id", person_idx, 10**11, 10**12 - 1),
                      dtype=np.int64)


def _counters(person_rows: np.ndarray, times: np.ndarray) -> np.ndarray:
    """`event_id`: the SDK's running count of a user's events, from 1."""
    order = np.lexsort((times, person_rows))
    ordered = person_rows[order]
    firsts = np.r_[True, ordered[1:] != ordered[:-1]]
    run_start = np.maximum.accumulate(np.where(firsts, np.arange(len(order)), 0))
    counters = np.empty(len(order), dtype=np.int64)
    counters[order] = np.arange(len(order)) - run_start + 1
    return counters


def _head_fields(rows: ByteRows, world: WorldChunk, events: common.ProductEvents, *,
                 app: int, amplitude_ids: np.ndarray, uuids: np.ndarray,
                 insert_ids: np.ndarray, event_ids: np.ndarray, session_ms: np.ndarray,
                 event_time: np.ndarray, server_upload: np.ndarray) -> None:
    """Every field before `event_properties`."""
    people = world.people
    identified = events["identified"]
    rows.literal(b'{"event_type":')
    rows.json_coded(events["event_code"], [EVENT_NAMES[e] for e in common.EVENTS])
    rows.literal(b',"user_id":')
    rows.json_coded(np.where(identified, events["person_row"], -1), people["user_id"].tolist())
    rows.literal(b"null", where=~identified)
    rows.literal(b',"device_id":')
    rows.json_coded(events["device_code"], events.devices.tolist())
    rows.literal(b',"amplitude_id":')
    rows.json_int(amplitude_ids)
    rows.literal(b',"uuid":')
    rows.ascii_fixed(uuids, 36)
    rows.literal(b',"$insert_id":')
    rows.ascii_fixed(insert_ids, 36)
    rows.literal(b',"event_id":')
    rows.json_int(event_ids)
    rows.literal(b',"session_id":')
    rows.json_int(session_ms)
    rows.literal(b',"app":' + str(app).encode() + b',"event_time":')
    rows.ascii_fixed(event_time, 26)
    rows.literal(b',"server_upload_time":')
    rows.ascii_fixed(server_upload, 26)
    rows.literal(b',"platform":"Web","os_name":')
    rows.json_coded(events["browser_code"], common.BROWSERS)
    rows.literal(b',"device_family":')
    rows.json_coded(events["browser_code"], common.SYSTEMS)
    rows.literal(b',"country":')
    countries = [common.COUNTRY_NAMES[c] for c in world.accounts["country"].tolist()]
    rows.json_coded(events["account_row"], countries)


def _page_properties(rows: ByteRows, events: common.ProductEvents) -> None:
    """The page context the SDK records on page views (URL with the landing query string,
    path, title, referrer) and the app adds to its signup event (URL and path); other
    events have no event properties."""
    code = events["event_code"]
    page_view = code == common.EVENTS.index(catalog.PAGE_VIEW)
    paged = page_view | (code == common.EVENTS.index(catalog.SIGNUP))
    referrer = events["referrer"]
    rows.literal(b',"event_properties":{')
    rows.literal(b'"[Amplitude] Page Location":"', where=paged)
    rows.json_coded(events["page_code"], [p.url for p in common.PAGES], where=paged,
                    quoted=False)
    rows.json_text(events["query"], where=paged, quoted=False)
    rows.literal(b'","[Amplitude] Page Path":', where=paged)
    rows.json_coded(events["page_code"], [p.path for p in common.PAGES], where=paged)
    rows.literal(b',"[Amplitude] Page Title":', where=page_view)
    rows.json_coded(events["page_code"], [p.title for p in common.PAGES], where=page_view)
    has_referrer = page_view & pd.notna(referrer)
    rows.literal(b',"referrer":', where=has_referrer)
    rows.json_text(referrer, where=has_referrer)
    rows.literal(b"}")


def _user_properties(
    rows: ByteRows, events: common.ProductEvents, emails: np.ndarray
) -> None:
    """The user-property snapshot on each event, as the SDK's web attribution keeps it:
    `initial_*` from the person's first tagged landing URL, the plain UTM and click-id
    properties from the latest one (a page load with a new click id updates them), and the
    email once the app has set it at signup."""
    n = len(events)
    person = events["person_row"]
    identified = events["identified"]
    tagged_rows = np.nonzero(events["tagged"])[0]
    order = np.lexsort((events["time"], person))
    marks = pd.Series(np.where(events["tagged"], np.arange(n), np.nan)[order])
    latest = np.empty(n, dtype=np.int64)
    latest[order] = marks.groupby(person[order]).ffill().fillna(-1).to_numpy().astype(np.int64)

    touch = _touch_values(events, tagged_rows)
    # Events are in time order, so a person's first tagged position is their landing.
    first = pd.Series(tagged_rows).groupby(person[tagged_rows]).first()
    encoded = []
    for position, owner in zip(tagged_rows.tolist(), person[tagged_rows].tolist()):
        props = dict(touch[position])
        props.update({f"initial_{k}": v for k, v in touch[int(first[owner])].items()})
        encoded.append(orjson.dumps(props)[1:-1])
    code_of = np.full(n, -1, dtype=np.int64)
    code_of[tagged_rows] = np.arange(len(tagged_rows))
    touch_code = np.where(latest >= 0, code_of[np.maximum(latest, 0)], -1)

    rows.literal(b',"user_properties":{')
    rows.fragments(touch_code, encoded)
    rows.literal(b",", where=(touch_code >= 0) & identified)
    rows.fragments(np.where(identified, person, -1),
                   [b'"email":' + orjson.dumps(e) for e in emails.tolist()])
    rows.literal(b"}")


def _touch_values(
    events: common.ProductEvents, positions: np.ndarray
) -> dict[int, dict[str, str]]:
    """The attribution an event's landing URL carried, by event position."""
    columns = [events[c][positions] for c in (*ATTRIBUTION, "click_id_param", "click_id")]
    out = {}
    for position, source, medium, campaign, param, click in zip(positions.tolist(), *columns):
        props = {key: value for key, value in (("utm_source", source), ("utm_medium", medium),
                                               ("utm_campaign", campaign))
                 if value is not None}
        if param is not None and click is not None:
            props[param] = click
        out[position] = props
    return out


def _write_archives(
    ctx: ExportContext, app: int, rows: ByteRows, server_upload: np.ndarray
) -> None:
    """One zip per month of upload time, one gzip entry per day inside it."""
    day = np.asarray(server_upload).astype("datetime64[D]")
    for month_start, positions in common.months(np.asarray(server_upload)):
        month_end = (month_start.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
        stamp = f"{str(month_start).replace('-', '')}T00-{str(month_end).replace('-', '')}T23"
        path = ctx.path("events", f"amplitude_export_{stamp}_{ctx.chunk:04d}.zip")
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
            month_days = day[positions]
            for value in np.unique(month_days):
                body = rows.build(positions[month_days == value], end=b"\n")
                archive.writestr(
                    f"{app}/{app}_{value}_0#{ctx.chunk}.json.gz",
                    gzip.compress(body, compresslevel=1),
                )
