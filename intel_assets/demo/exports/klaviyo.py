"""Klaviyo: email events and profiles as the JSON:API list endpoints return them.

Events are pages of
`GET /api/events?include=metric,profile&fields[profile]=email,external_id&sort=datetime`
(`revision: 2024-10-15`): `{"data": [...], "included": [...], "links": {"self", "next",
"prev"}}`, each page's `included` holding the metric and (sparse) profile resources its events
point to. Profiles are pages of `GET /api/profiles`: `{"data": [...], "links": {...}}`. Pages
hold 5,000 resources, more than the API's 200 (events) and 100 (profiles), to keep the landing
folder small; `links.next` is null on the last page of a chunk.

Klaviyo records no "sent" apart from "Received Email", which it logs once the message is
handed over for delivery; the world's `delivered` maps to `Received Email` and `sent` is not
exported, so a bounced message has a `Bounced Email` and no `Received Email`. Event
properties are `Campaign Name`, `Subject`, `$message` (the message id), `$flow` (onboarding
flow messages only), `URL` on clicks and `Bounce Type` on bounces; an `Unsubscribed` event
names the last message delivered before it. Every person of the chunk is a profile; 90% carry
the app's user id as `external_id`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import numpy as np
import pandas as pd

from intel_assets.demo import ids
from intel_assets.demo.exports.base import ExportContext
from intel_assets.demo.exports.formats import write_json
from intel_assets.demo.exports.lifecycle import (
    Audience,
    Campaigns,
    audience,
    identities,
    iso_seconds,
    mail_events,
    no_gc,
    ulid,
    uuid1,
)
from intel_assets.demo.world import WorldChunk

PAGE_SIZE = 5_000
API = "https://a.klaviyo.com/api"
METRICS = {
    "delivered": "Received Email",
    "bounced": "Bounced Email",
    "opened": "Opened Email",
    "clicked": "Clicked Email",
    "unsubscribed": "Unsubscribed",
}
METRICS_CREATED = "2024-02-01T09:30:00+00:00"


def export(world: WorldChunk, ctx: ExportContext) -> pd.DataFrame:
    people = audience(world, ctx)
    index = people.people["person_idx"].to_numpy()
    profile_ids = ulid(ctx.seed, "klaviyo:profile", index, people.joined_s * 1000)
    with no_gc():
        _write_profiles(ctx, people, profile_ids)
        _write_events(world, ctx, people, profile_ids)

    return identities(ctx, people, profile_ids, np.ones(len(index), dtype=bool))


def _write_profiles(ctx: ExportContext, people: Audience, profile_ids: np.ndarray) -> None:
    created = iso_seconds(people.people["joined_at"], "+00:00")
    frame = people.people
    profiles = [
        {
            "type": "profile",
            "id": pid,
            "attributes": {
                "email": email,
                "phone_number": None,
                "external_id": external,
                "anonymous_id": None,
                "first_name": first,
                "last_name": last,
                "organization": organization,
                "title": None,
                "image": None,
                "created": when,
                "updated": when,
                "last_event_date": None,
                "location": {"country": country, "timezone": zone, "region": None,
                             "city": None, "address1": None, "zip": None},
                "properties": {"app_role": role},
            },
            "links": {"self": f"{API}/profiles/{pid}/"},
        }
        for pid, email, external, first, last, organization, when, country, zone, role in zip(
            profile_ids, people.email, people.external_id, frame["first_name"],
            frame["last_name"], people.organization, created, people.country, people.timezone,
            frame["role"],
        )
    ]
    _write_pages(ctx, "profiles", profiles, lambda page: {})


def _write_events(
    world: WorldChunk, ctx: ExportContext, people: Audience, profile_ids: np.ndarray
) -> None:
    frame, campaigns = mail_events(world)
    frame = frame[frame["metric"] != "sent"].reset_index(drop=True)
    row = frame["row"].to_numpy()
    epoch = frame["epoch"].to_numpy()
    metric = frame["metric"].to_numpy()
    code = frame["campaign"].to_numpy()
    person = frame["person_row"].to_numpy()

    metric_names = list(METRICS.values())
    metric_ids = dict(zip(metric_names, ids.base62(ctx.seed, "klaviyo:metric",
                                                   np.arange(len(metric_names)), 6)))
    metric_of = pd.Series(metric).map(METRICS).to_numpy(dtype=object)
    namespace = f"klaviyo:event:{ctx.chunk}"
    event_ids = ids.base62(ctx.seed, namespace, row, 11)
    uuids = uuid1(ctx.seed, namespace, row, epoch)
    stamps = iso_seconds(frame["time"], "+00:00")

    # Events share their relationship and property objects: one per profile, one per
    # metric, one per (campaign, metric); orjson writes shared objects like any other.
    to_metric = {
        name: {"data": {"type": "metric", "id": mid}} for name, mid in metric_ids.items()
    }
    to_profile = [{"data": {"type": "profile", "id": pid}} for pid in profile_ids]
    properties = _properties(ctx, campaigns, metric, code)

    events = [
        {
            "type": "event",
            "id": eid,
            "attributes": {"timestamp": int(stamp), "event_properties": props,
                           "datetime": when, "uuid": uid},
            "relationships": {"profile": to_profile[who], "metric": to_metric[name]},
            "links": {"self": f"{API}/events/{eid}/"},
        }
        for eid, stamp, when, uid, name, who, props in zip(
            event_ids, epoch, stamps, uuids, metric_of, person, properties
        )
    ]
    profile = profile_ids[person]

    metric_resources = {
        name: {
            "type": "metric",
            "id": mid,
            "attributes": {"name": name, "created": METRICS_CREATED, "updated": METRICS_CREATED,
                           "integration": {"object": "integration", "id": "0rG4eQ",
                                           "name": "Klaviyo", "category": "Internal"}},
            "links": {"self": f"{API}/metrics/{mid}/"},
        }
        for name, mid in metric_ids.items()
    }
    sparse = {
        pid: {"type": "profile", "id": pid,
              "attributes": {"email": mail, "external_id": external},
              "links": {"self": f"{API}/profiles/{pid}/"}}
        for pid, mail, external in zip(profile_ids, people.email, people.external_id)
    }

    def included(page: range) -> dict:
        on_page = slice(page.start, page.stop)
        used_metrics = pd.unique(metric_of[on_page])
        used_profiles = pd.unique(profile[on_page])
        return {"included": [metric_resources[m] for m in used_metrics]
                + [sparse[p] for p in used_profiles]}

    _write_pages(ctx, "events", events, included)


def _properties(
    ctx: ExportContext, campaigns: Campaigns, metric: np.ndarray, code: np.ndarray
) -> list[dict]:
    """Each event's `event_properties`: the campaign's name, subject and message id, the
    flow id for the onboarding flow, the link on clicks and the bounce type on bounces."""
    message_ids = ids.base62(ctx.seed, "klaviyo:message", campaigns.number, 6)
    flow = ids.base62(ctx.seed, "klaviyo:flow", np.zeros(1, dtype=np.int64), 6)[0]
    urls = campaigns.url(np.arange(len(campaigns.names)), "klaviyo")
    shared: dict[tuple[int, str], dict] = {}
    for key in set(zip(code.tolist(), metric.tolist())):
        number, kind = key
        props: dict = {}
        if number >= 0:
            props = {"Campaign Name": campaigns.names[number],
                     "Subject": campaigns.subject[number], "$message": message_ids[number]}
            if campaigns.onboarding[number]:
                props["$flow"] = flow
            if kind == "clicked":
                props["URL"] = urls[number]
        if kind == "bounced":
            props["Bounce Type"] = "hard"
        shared[key] = props
    return [shared[key] for key in zip(code.tolist(), metric.tolist())]


def _write_pages(
    ctx: ExportContext, name: str, resources: list[dict], extra: Callable[[range], dict]
) -> None:
    """One JSON:API page per file; `extra(range)` adds the page's `included`, if any."""
    total = max(1, -(-len(resources) // PAGE_SIZE))
    query = ("include=metric,profile&fields[profile]=email,external_id&sort=datetime"
             if name == "events" else "page[size]=100")
    for number in range(total):
        span = range(number * PAGE_SIZE, min((number + 1) * PAGE_SIZE, len(resources)))
        cursor = base64.urlsafe_b64encode(f"next::{ctx.chunk}:{number + 2}".encode()).decode()
        document = {
            "data": resources[span.start:span.stop],
            "links": {
                "self": f"{API}/{name}?{query}",
                "next": None if number == total - 1
                else f"{API}/{name}?{query}&page%5Bcursor%5D={cursor}",
                "prev": None,
            },
        }
        document.update(extra(span))
        write_json(ctx.path(name, f"{name}_{ctx.chunk:04d}_{number + 1:05d}.json"), document)
