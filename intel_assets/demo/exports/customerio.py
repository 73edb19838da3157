"""Customer.io Reporting Webhooks: one JSON body per line, as a webhook receiver lands them.

Each body is what Customer.io POSTs for one email event: `{event_id (ULID), object_type:
"email", metric, timestamp (Unix s), data{identifiers{id, email, cio_id}, customer_id,
delivery_id, campaign_id + action_id (the onboarding campaign's steps) or newsletter_id
(newsletters), recipient, subject, href + link_id on clicks, failure_message on bounces}}`.
The receiver writes one file per UTC day per chunk, `webhooks/<YYYY-MM-DD>/...jsonl`. Delivery is
at-least-once: about 0.5% of bodies arrive a second time (a retried POST), with the same
`event_id`, appended later in the same day's file.

People added by email alone (no app user id) have no `identifiers.id` and no `customer_id`.
An unsubscribe is the footer-link click of the last message delivered before it and carries
that message's ids; one with no earlier delivery carries no message ids.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pandas as pd

from intel_assets.demo import ids
from intel_assets.demo.exports.base import ExportContext
from intel_assets.demo.exports.lifecycle import (
    audience,
    base64_ids,
    duplicated,
    hex_digits,
    identities,
    mail_events,
    no_gc,
    take,
    ulid,
    with_mail,
)
from intel_assets.demo.world import WorldChunk

DAY = 86_400
BOUNCE_MESSAGE = "550 5.1.1 The email account that you tried to reach does not exist"
WITH_SUBJECT = frozenset({"sent", "delivered", "bounced", "opened"})


def export(world: WorldChunk, ctx: ExportContext) -> pd.DataFrame:
    people = audience(world, ctx)
    frame = people.people
    index = frame["person_idx"].to_numpy()
    cio_ids = _hex(ids.mix(ctx.seed, "customerio:cio_id", index))
    identifiers = [
        {"id": uid, "email": mail, "cio_id": cio} if uid is not None
        else {"email": mail, "cio_id": cio}
        for uid, mail, cio in zip(people.external_id, people.email, cio_ids)
    ]
    with no_gc():
        _write_bodies(world, ctx, people.email, people.external_id, identifiers)

    return identities(ctx, people, cio_ids, with_mail(world))


def _hex(values: np.ndarray) -> np.ndarray:
    """12 lowercase hex characters: Customer.io's own person id (`cio_id`)."""
    chars = hex_digits(values, 12)
    return chars.view("S12").ravel().astype("U12").astype(object)


def _write_bodies(
    world: WorldChunk,
    ctx: ExportContext,
    email: np.ndarray,
    external_id: np.ndarray,
    identifiers: list[dict],
) -> None:
    events, campaigns = mail_events(world)
    row = events["row"].to_numpy()
    epoch = events["epoch"].to_numpy()
    metric = events["metric"].to_numpy()
    code = events["campaign"].to_numpy()
    person = events["person_row"].to_numpy()
    send = events["send_id"].to_numpy()

    namespace = f"customerio:{ctx.chunk}"
    jitter = ids.mix(ctx.seed, f"{namespace}:ms", row) % np.uint64(1000)
    event_ids = ulid(ctx.seed, f"{namespace}:event", row, epoch * 1000 + jitter.astype(np.int64))
    workspace = ids.numeric(ctx.seed, "customerio:workspace", np.zeros(1), 1, 65_535)[0]
    prefix = bytes([0x64, 0x02, 0x00, int(workspace) >> 8, int(workspace) & 0xFF])
    delivery_ids = np.where(
        send >= 0, base64_ids(ctx.seed, f"{namespace}:delivery", np.maximum(send, 0), prefix),
        None,
    )

    onboarding_campaign = int(ids.numeric(ctx.seed, "customerio:campaign", np.zeros(1), 2, 60)[0])
    action = ids.numeric(ctx.seed, "customerio:action", campaigns.number, 60, 900)
    newsletter = ids.numeric(ctx.seed, "customerio:newsletter", campaigns.number, 1, 400)
    is_onboarding = take(campaigns.onboarding, code)
    action_of = take(np.where(campaigns.onboarding, action, None), code)
    newsletter_of = take(np.where(campaigns.onboarding, None, newsletter), code)
    subject = take(campaigns.subject, code)
    url = np.where(metric == "clicked", campaigns.url(code, "customerio"), None)
    link_of = take(campaigns.number % 7 + 1, code)

    bodies = []
    for eid, stamp, kind, who, delivery, onboarding, step, letter, subj, href, link in zip(
        event_ids, epoch, metric, person, delivery_ids, is_onboarding, action_of,
        newsletter_of, subject, url, link_of,
    ):
        data = {"identifiers": identifiers[who]}
        if external_id[who] is not None:
            data["customer_id"] = external_id[who]
        if delivery is not None:
            data["delivery_id"] = delivery
            if onboarding:
                data["campaign_id"] = onboarding_campaign
                data["action_id"] = int(step)
            else:
                data["newsletter_id"] = int(letter)
        if kind != "clicked":
            data["recipient"] = email[who]
        if kind in WITH_SUBJECT and subj is not None:
            data["subject"] = subj
        if kind == "clicked":
            data["href"] = href
            data["link_id"] = int(link)
        elif kind == "bounced":
            data["failure_message"] = BOUNCE_MESSAGE
        bodies.append(
            {"event_id": eid, "object_type": "email", "metric": kind,
             "timestamp": int(stamp), "data": data}
        )

    again = duplicated(ctx.seed, namespace, row)
    day = epoch // DAY
    starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
    ends = np.r_[starts[1:], len(day)]
    for start, end in zip(starts, ends):
        label = str(np.datetime64(int(day[start]), "D"))
        lines = bodies[start:end] + [bodies[i] for i in np.flatnonzero(again[start:end]) + start]
        _write_lines(ctx.path("webhooks", label, f"reporting_webhooks_{ctx.chunk:04d}.jsonl"),
                     lines)


def _write_lines(path: Path, bodies: list[dict]) -> None:
    """JSON lines in one write (formats.write_jsonl writes twice per line)."""
    newline = orjson.OPT_APPEND_NEWLINE
    path.write_bytes(b"".join(orjson.dumps(body, option=newline) for body in bodies))
