"""Mixpanel: the raw event export and the engage (profiles) query, as their APIs return them.

Events: each file is the gzip JSONL body of one `GET /api/2.0/export?from_date&to_date` call
covering a calendar month, one file per month per chunk. The project uses Simplified ID
Merge: anonymous page views carry `distinct_id = "$device:<device id>"`, everything after
login carries `$user_id` and `distinct_id = <user id>` next to `$device_id`; the signup is the
first event with both and is what merges them. `time` is written in UTC seconds (a project
created after 2023-01-01). The export is at-least-once: about 0.5% of events come back a
second time with the same `$insert_id` and a later `mp_processing_time_ms`. Every event
carries the super property `workspace_id`, anonymous page views included (a simplification:
a real site learns the workspace at signup, or from an invite link). The signup carries
`$email` and, like the landing page views, the UTMs and click id the SDK read off the
landing URL, both as properties (`utm_*`, `gclid`/`fbclid`/`li_fat_id`) and in
`$current_url`. Everybody in the world uses the product, so everybody is here.

Profiles: each file is one page of `POST /api/query/engage`, `{page, page_size, session_id,
status, total, results}`, 1,000 profiles to a page as the API pages them. Every person who
signed up has a profile (`$distinct_id` = the app's user id, `$email` the signup address,
`$created` without offset, `workspace_id`).

Event names are Title Case (`EVENT_NAMES`, also in `dbt/seeds/product_event_names.csv`).
"""

from __future__ import annotations

import numpy as np
import orjson
import pandas as pd

from intel_assets.demo import catalog, ids
from intel_assets.demo.exports import product_common as common
from intel_assets.demo.exports.base import ExportContext
from intel_assets.demo.exports.byte_rows import ByteRows
from intel_assets.demo.exports.formats import pages, write_json
from intel_assets.demo.identities import share
from intel_assets.demo.world import WorldChunk

# neutral event -> Mixpanel event name
EVENT_NAMES = {
    catalog.SESSION: "Session Started",
    catalog.SIGNUP: "Signed Up",
    catalog.PAGE_VIEW: "Page Viewed",
    "report_created": "Report Created",
    "dashboard_shared": "Dashboard Shared",
    "integration_connected": "Integration Connected",
    "data_exported": "Data Exported",
    catalog.INVITE: "Teammate Invited",
}
REDELIVERED_SHARE = 0.005
PROFILE_PAGE = 1_000
LIB_VERSION = "2.60.0"


def export(world: WorldChunk, ctx: ExportContext) -> pd.DataFrame:
    people = world.people
    emails = common.tool_emails(world, ctx)
    events = common.prepared_events(world, ctx, emails)
    seq = events["seq"]
    seconds = events["time"].astype(np.int64)
    delay_ms = (ids.mix(ctx.seed, "mixpanel:lag", seq) % np.uint64(4_000)).astype(np.int64)
    processed = seconds * 1000 + 300 + delay_ms
    insert_ids = ids.base36(ctx.seed, "mixpanel:insert", seq, 16)

    # Re-delivered copies are whole rows again, ingested a second time later.
    again = np.nonzero(share(ctx.seed, "mixpanel:redelivered", seq, REDELIVERED_SHARE))[0]
    take = np.concatenate([np.arange(len(events)), again])
    processed = processed[take]
    processed[len(events):] += 95_000
    rows = _event_rows(world, events.take(take), insert_ids[take], seconds[take], processed)
    order = np.argsort(take, kind="stable")
    for month_start, positions in common.months(events["time"][take][order]):
        month_end = (month_start.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
        name = f"mixpanel_export_{month_start}_{month_end}_{ctx.chunk:04d}.jsonl.gz"
        common.write_gzip(ctx.path("events", name),
                          rows.build(order[positions], end=b"\n"))

    _profiles(world, ctx, emails, events)
    distinct_persons = np.unique(events["person_row"][events["identified"]])
    anonymous = ~events["identified"]
    return pd.concat(
        [
            common.person_identities(
                ctx, "distinct_id", people["user_id"].to_numpy()[distinct_persons],
                people.iloc[distinct_persons],
            ),
            common.owned_identities(
                ctx, "distinct_id",
                np.char.add("$device:", events["device_id"][anonymous].astype(str)),
                events["person_id"][anonymous], events["account_id"][anonymous],
            ),
            common.device_identities(ctx, events, people),
            common.person_identities(ctx, "user_id", people["user_id"], people),
            common.person_identities(ctx, "email", emails, people),
            common.workspace_identities(ctx, world),
        ],
        ignore_index=True,
    ).drop_duplicates(ignore_index=True)


def _event_rows(
    world: WorldChunk,
    events: common.ProductEvents,
    insert_ids: np.ndarray,
    seconds: np.ndarray,
    processed: np.ndarray,
) -> ByteRows:
    """One JSON line per event; optional properties appear only where the SDK has them."""
    people, accounts = world.people, world.accounts
    person = events["person_row"]
    identified = events["identified"]
    devices = events.devices.tolist()
    rows = ByteRows(len(events))
    rows.literal(b'{"event":')
    rows.json_coded(events["event_code"], [EVENT_NAMES[e] for e in common.EVENTS])
    rows.literal(b',"properties":{"time":')
    rows.json_int(seconds)
    rows.literal(b',"distinct_id":')
    n_people = len(people)
    rows.json_coded(np.where(identified, person, n_people + events["device_code"]),
                    people["user_id"].tolist() + [f"$device:{d}" for d in devices])
    rows.literal(b',"$device_id":')
    rows.json_coded(events["device_code"], devices)
    rows.literal(b',"$insert_id":')
    rows.ascii_fixed(insert_ids, 16)
    rows.literal(b',"mp_processing_time_ms":')
    rows.json_int(processed)
    rows.literal(b',"mp_lib":"web","$lib_version":"' + LIB_VERSION.encode() + b'","$browser":')
    rows.json_coded(events["browser_code"], common.BROWSERS)
    rows.literal(b',"$os":')
    rows.json_coded(events["browser_code"], common.SYSTEMS)
    rows.literal(b',"$current_url":"')
    rows.json_coded(events["page_code"], [p.url for p in common.PAGES], quoted=False)
    rows.json_text(events["query"], quoted=False)
    rows.literal(b'","mp_country_code":')
    rows.json_coded(events["account_row"], accounts["country"].tolist())
    rows.literal(b',"workspace_id":')
    rows.json_coded(events["account_row"], accounts["workspace_id"].tolist())

    rows.literal(b',"$user_id":', where=identified)
    rows.json_coded(np.where(identified, person, -1), people["user_id"].tolist())
    referrer = events["referrer"]
    has_referrer = pd.notna(referrer)
    rows.literal(b',"$referrer":', where=has_referrer)
    rows.json_text(referrer)
    rows.literal(b',"$referring_domain":', where=has_referrer)
    rows.encoded(referrer, lambda r: orjson.dumps(r.split("/")[2]))
    for key in ("utm_source", "utm_medium", "utm_campaign"):
        values = events[key]
        rows.literal(b',"' + key.encode() + b'":', where=pd.notna(values))
        rows.json_text(values)
    click = events["click_id"]
    has_click = pd.notna(click)
    rows.encoded(events["click_id_param"], lambda p: b"," + orjson.dumps(p) + b":",
                 where=has_click)
    rows.json_text(click, where=has_click)
    email = events["email"]
    rows.literal(b',"$email":', where=pd.notna(email))
    rows.json_text(email)
    rows.literal(b"}}")
    return rows


def _profiles(
    world: WorldChunk, ctx: ExportContext, emails: np.ndarray, events: common.ProductEvents
) -> None:
    people = world.people
    workspace = world.accounts["workspace_id"].to_numpy()[people["account_row"].to_numpy()]
    last_seen = pd.Series(events["time"]).groupby(events["person_row"]).max()
    last_seen = last_seen.reindex(np.arange(len(people)))
    created = _no_offset(people["joined_at"])
    seen = _no_offset(last_seen.fillna(people["joined_at"]))
    results = [
        {
            "$distinct_id": uid,
            "$properties": {
                "$email": email,
                "$name": f"{first} {last}",
                "$first_name": first,
                "$last_name": last,
                "$created": made,
                "$last_seen": when,
                "workspace_id": ws,
            },
        }
        for uid, email, first, last, made, when, ws in zip(
            people["user_id"], emails, people["first_name"], people["last_name"], created,
            seen, workspace,
        )
    ]
    session = f"{ctx.chunk:04d}-{ids.base36(ctx.seed, 'mixpanel:engage', np.array([0]), 8)[0]}"
    for number, page, _last in pages(results, PROFILE_PAGE):
        write_json(
            ctx.path("profiles", f"mixpanel_engage_{ctx.chunk:04d}_{number - 1:04d}.json"),
            {
                "page": number - 1,
                "page_size": PROFILE_PAGE,
                "session_id": session,
                "status": "ok",
                "total": len(results),
                "results": list(page),
            },
        )


def _no_offset(times: pd.Series) -> np.ndarray:
    """`2024-06-01T09:03:31`: how engage dates look (no offset; UTC here)."""
    return pd.Series(pd.to_datetime(times)).dt.strftime("%Y-%m-%dT%H:%M:%S").to_numpy()
