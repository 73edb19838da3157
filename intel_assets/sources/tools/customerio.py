"""Customer.io Reporting Webhook bodies, one per line: the email events of every message.

The feed is at-least-once (Customer.io retries a POST for up to seven days), so the raw table
keeps every body as it arrived, repeats included; staging deduplicates on `event_id`. The
person is `identifiers.id` (the app's user id, absent for people added by email alone),
`identifiers.email` and `identifiers.cio_id` (Customer.io's own id); the deprecated
`customer_id` is kept beside them for older payloads. A message is `delivery_id`; the
campaign is `campaign_id` + `action_id` for campaign (journey) messages, `newsletter_id` or
`broadcast_id` for one-off sends. Webhook bodies carry no campaign names, only these ids and
the subject line.
"""

from __future__ import annotations

from intel_assets.sources.readers import jsonl
from intel_assets.sources.spec import Column, RawObject

EVENTS = RawObject(
    tool="customerio",
    name="email_events",
    family="lifecycle",
    reader=jsonl(),
    patterns=("**/*.jsonl", "**/*.jsonl.gz"),
    description="Customer.io reporting webhook bodies for email, one row per body received.",
    columns=(
        Column("event_id", "event_id", required=True,
               description="ULID of the event; repeated bodies share it."),
        Column("object_type", "object_type", required=True),
        Column("metric", "metric", required=True,
               description="sent, delivered, opened, clicked, bounced, unsubscribed, ..."),
        Column("timestamp", "timestamp", "epoch_s", required=True),
        Column("identifier_id", "data.identifiers.id", description="The app's user id."),
        Column("identifier_email", "data.identifiers.email"),
        Column("cio_id", "data.identifiers.cio_id"),
        Column("customer_id", "data.customer_id", description="Deprecated copy of the id."),
        Column("email_address", "data.email_address",
               description="Older payloads' address field."),
        Column("recipient", "data.recipient"),
        Column("delivery_id", "data.delivery_id"),
        Column("campaign_id", "data.campaign_id"),
        Column("action_id", "data.action_id"),
        Column("journey_id", "data.journey_id"),
        Column("newsletter_id", "data.newsletter_id"),
        Column("broadcast_id", "data.broadcast_id"),
        Column("transactional_message_id", "data.transactional_message_id"),
        Column("subject", "data.subject"),
        Column("href", "data.href", description="Clicked link (UTMs)."),
        Column("link_id", "data.link_id"),
        Column("failure_message", "data.failure_message"),
        Column("data", "data", "json"),
    ),
)

OBJECTS = (EVENTS,)
