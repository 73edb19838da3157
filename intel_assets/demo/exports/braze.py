"""Braze Currents to S3: Avro object container files, one folder per email event type.

Files follow Currents' layout,
`currents/dataexport.<cluster>.S3.integration.<id>/event_type=users.messages.email.<Type>/
date=<YYYY-MM-DD-HH>/<schema_id>/<zone>/dataexport.<cluster>.S3.integration.<id>+<partition>+
<offset>.avro`, with the flat record schemas of Braze's own sample files (required `id`,
`user_id`, `time` as an Avro int, `email_address`; every other field a nullable union) and no
codec, as in the sample. Braze writes a file every five minutes or 15,000 events; the demo
writes one file per event type per UTC day per chunk instead (placed under the hour of its
first event), to keep the landing folder to a few thousand files. The partition is the chunk
number, so chunks never overwrite each other. Delivery is at-least-once: about 0.5% of records
appear twice, with the same `id`.

Onboarding emails are API-triggered campaigns, each with its own dispatch per user;
newsletters are scheduled campaigns whose recipients share one dispatch id. An unsubscribe is
the footer-link click of the last message delivered before it and carries its campaign and
dispatch. People added by email alone have no `external_user_id`. Records are encoded a field
at a time by `avro_writer`, since fastavro's record-at-a-time writer needs tens of seconds
for the half million events of a 10,000-customer demo.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from intel_assets.demo import ids
from intel_assets.demo.exports.avro_writer import Container
from intel_assets.demo.exports.base import ExportContext
from intel_assets.demo.exports.lifecycle import (
    PRODUCT_DOMAIN,
    Audience,
    Campaigns,
    audience,
    duplicated,
    identities,
    mail_events,
    object_id,
    take,
    uuid4,
    with_mail,
)
from intel_assets.demo.world import WorldChunk

CLUSTER = "prod-03"
ZONE = "us-03"
SCHEMA_ID = "1"
DAY = 86_400
EVENT_TYPES = {
    "sent": "Send",
    "delivered": "Delivery",
    "opened": "Open",
    "clicked": "Click",
    "bounced": "Bounce",
    "unsubscribed": "Unsubscribe",
}
_COMMON = (
    ("id", "string"), ("user_id", "string"), ("dispatch_id", None),
    ("external_user_id", None), ("time", "int"), ("timezone", None), ("campaign_id", None),
    ("campaign_name", None), ("message_variation_id", None), ("message_variation_name", None),
    ("email_address", "string"),
)
_CANVAS = (
    ("canvas_id", None), ("canvas_name", None), ("canvas_variation_id", None),
    ("canvas_variation_name", None), ("canvas_step_id", None), ("canvas_step_name", None),
    ("send_id", None),
)
_DEVICE = (("device_class", None), ("device_os", None), ("device_model", None),
           ("browser", None), ("mailbox_provider", None))
# The field order of Braze's sample schemas; None is a nullable string.
FIELDS = {
    "Send": (*_COMMON, *_CANVAS, ("ip_pool", None), ("message_extras", None),
             ("app_group_id", None), ("from_domain", None)),
    "Delivery": (*_COMMON, *_CANVAS, ("sending_ip", None), ("ip_pool", None), ("esp", None),
                 ("from_domain", None), ("app_group_id", None)),
    "Open": (*_COMMON, *_CANVAS, ("user_agent", None), ("ip_pool", None),
             ("machine_open", None), ("esp", None), ("from_domain", None),
             ("is_amp", "boolean?"), ("app_group_id", None), *_DEVICE),
    "Click": (*_COMMON[:11], ("url", None), *_CANVAS, ("user_agent", None), ("ip_pool", None),
              ("link_id", None), ("link_alias", None), ("esp", None), ("from_domain", None),
              ("is_amp", "boolean?"), ("app_group_id", None), *_DEVICE,
              ("is_suspected_bot_click", "boolean?"),
              ("suspected_bot_click_reason", "strings?")),
    "Bounce": (*_COMMON, *_CANVAS, ("sending_ip", None), ("ip_pool", None),
               ("bounce_reason", None), ("esp", None), ("from_domain", None),
               ("is_drop", "boolean?"), ("app_group_id", None)),
    "Unsubscribe": (*_COMMON, *_CANVAS, ("ip_pool", None), ("app_group_id", None)),
}
USER_AGENTS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148",
)
DEVICE_CLASSES = ("desktop", "desktop", "mobile")
BOUNCE_REASON = "550 5.1.1 The email account that you tried to reach does not exist"


def schema(event: str) -> dict:
    """The Avro schema of one email event type, as Braze's sample files declare it."""
    kinds = {
        "string": "string",
        "int": "int",
        None: ["null", "string"],
        "boolean?": ["null", "boolean"],
        "strings?": ["null", {"type": "array", "items": "string"}],
    }
    fields = []
    for name, kind in FIELDS[event]:
        field: dict = {"name": name, "type": kinds[kind]}
        if isinstance(field["type"], list):
            field["default"] = None
        fields.append(field)
    return {
        "type": "record",
        "name": f"dataexport.S3.inner.users.messages.email.{event}",
        "doc": f"Braze Currents users.messages.email.{event}",
        "fields": fields,
    }


def export(world: WorldChunk, ctx: ExportContext) -> pd.DataFrame:
    people = audience(world, ctx)
    frame = people.people
    index = frame["person_idx"].to_numpy()
    braze_ids = object_id(ctx.seed, "braze:user", index, people.joined_s)
    _write_events(world, ctx, people, braze_ids)

    return identities(ctx, people, braze_ids, with_mail(world))


def _write_events(
    world: WorldChunk, ctx: ExportContext, people: Audience, braze_ids: np.ndarray
) -> None:
    events, campaigns = mail_events(world)
    row = events["row"].to_numpy()
    metric = events["metric"].to_numpy()
    code = events["campaign"].to_numpy()
    person = events["person_row"].to_numpy()
    person_idx = people.people["person_idx"].to_numpy()[person]

    namespace = f"braze:{ctx.chunk}"
    campaign = take(uuid4(ctx.seed, "braze:campaign", campaigns.number), code)
    draw = ids.mix(ctx.seed, f"{namespace}:device", row)
    pick = (draw % np.uint64(3)).astype(int)
    octet = ((draw >> np.uint64(16)) % np.uint64(250)).astype(int)
    addresses = np.array([f"168.245.{(o + 2) % 64}.{o + 2}" for o in range(250)], dtype=object)
    # Every field is given for every event (or once for all); each type's schema takes only
    # its own fields.
    columns = {
        "id": uuid4(ctx.seed, f"{namespace}:event", row),
        "user_id": braze_ids[person],
        "external_user_id": people.external_id[person],
        "time": events["epoch"].to_numpy(),
        "timezone": people.timezone[person],
        "email_address": people.email[person],
        "app_group_id": uuid4(ctx.seed, "braze:app_group", np.zeros(1, dtype=np.int64))[0],
        "ip_pool": "marketing",
        "campaign_id": campaign,
        "campaign_name": take(campaigns.names, code),
        "message_variation_id": take(uuid4(ctx.seed, "braze:variation", campaigns.number), code),
        "message_variation_name": np.where(code >= 0, "Variant 1", None),
        "dispatch_id": _dispatch_ids(ctx, events, campaigns, person_idx),
        "esp": "SendGrid",
        "from_domain": f"mail.{PRODUCT_DOMAIN}",
        "sending_ip": addresses[octet],
        "user_agent": np.array(USER_AGENTS, dtype=object)[pick],
        "device_class": np.array(DEVICE_CLASSES, dtype=object)[pick],
        "is_amp": False,
        "machine_open": np.where(
            (draw >> np.uint64(8)) % np.uint64(100) < np.uint64(15), "true", None
        ),
        "url": campaigns.url(code, "braze"),
        "is_suspected_bot_click": False,
        "bounce_reason": BOUNCE_REASON,
        "is_drop": False,
    }
    _write_files(ctx, columns, events["epoch"].to_numpy(), metric,
                 duplicated(ctx.seed, namespace, row))


def _dispatch_ids(
    ctx: ExportContext, events: pd.DataFrame, campaigns: Campaigns, person_idx: np.ndarray
) -> np.ndarray:
    """A scheduled newsletter has one dispatch for all its recipients, a triggered onboarding
    email one per user; either id embeds the send time, so every event of a message agrees."""
    code = events["campaign"].to_numpy()
    if not len(campaigns.number):
        return np.full(len(code), None, dtype=object)
    send = events["send_id"].to_numpy()
    epoch = events["epoch"].to_numpy()
    sent = events["metric"].to_numpy() == "sent"
    send_time = np.zeros(int(send.max(initial=0)) + 1, dtype=np.int64)
    send_time[send[sent]] = epoch[sent]
    when = send_time[np.maximum(send, 0)]
    found = code >= 0
    number = np.where(found, campaigns.number[np.maximum(code, 0)], 0)
    onboarding = found & campaigns.onboarding[np.maximum(code, 0)]
    newsletter = object_id(ctx.seed, "braze:dispatch", number, when)
    triggered = object_id(ctx.seed, "braze:dispatch:user", person_idx * 64 + number % 64, when)
    return np.where(found, np.where(onboarding, triggered, newsletter), None)


def _write_files(
    ctx: ExportContext, columns: dict[str, Any], epoch: np.ndarray, metric: np.ndarray,
    again: np.ndarray,
) -> None:
    """One Avro file per event type per UTC day, its repeated records at its end."""
    integration_id = object_id(ctx.seed, "braze:integration", np.zeros(1, dtype=np.int64),
                               np.full(1, 1_700_000_000))[0]
    connector = f"dataexport.{CLUSTER}.S3.integration.{integration_id}"
    day = epoch // DAY
    for kind, event in EVENT_TYPES.items():
        chosen = np.flatnonzero(metric == kind)
        if not len(chosen):
            continue
        days = day[chosen]
        starts = np.flatnonzero(np.r_[True, days[1:] != days[:-1]])
        ends = np.r_[starts[1:], len(chosen)]
        groups = [chosen[a:b] for a, b in zip(starts, ends)]
        order = np.concatenate([np.concatenate([g, g[again[g]]]) for g in groups])
        wanted = {name for name, _ in FIELDS[event]}
        container = Container(
            schema(event),
            {k: v[order] if isinstance(v, np.ndarray) else v
             for k, v in columns.items() if k in wanted},
            len(order),
        )
        sync = np.stack([ids.mix(ctx.seed, f"braze:sync:{ctx.chunk}:{event}", np.arange(
            len(groups))), ids.mix(ctx.seed, f"braze:sync2:{ctx.chunk}:{event}",
                                   np.arange(len(groups)))], axis=1).view(np.uint8)
        offset = 0
        for number, group in enumerate(groups):
            size = len(group) + int(again[group].sum())
            hour = np.datetime_as_string(np.datetime64(int(epoch[group[0]]), "s"), unit="h")
            folder = (f"currents/{connector}/event_type=users.messages.email.{event}/"
                      f"date={hour.replace('T', '-')}/{SCHEMA_ID}/{ZONE}")
            name = f"{connector}+{ctx.chunk}+{offset:010d}.avro"
            container.write(ctx.path(*folder.split("/"), name), offset, offset + size,
                            sync[number].tobytes())
            offset += size
