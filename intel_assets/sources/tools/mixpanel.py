"""Mixpanel: the raw event export (gzip JSON lines) and engage profile pages.

`mixpanel_events` keeps one row per exported line, re-delivered duplicates included: the
export is at-least-once, and staging deduplicates on (`event`, `distinct_id`, `time`,
`insert_id`). Identity under Simplified ID Merge is kept as stored on each event: anonymous
events have `distinct_id = "$device:<device_id>"` and no `user_id`; identified ones carry
`user_id` and `device_id` side by side, which is the edge that merges a device into a user
(Mixpanel resolves merges at query time, the export does not). `time` is read as UTC
seconds; for a project whose export is in project time, the offset belongs to staging (a
per-source setting), since the raw layer cannot know it. The landing URL's UTMs and click
ids are columns where the SDK captured them (`utm_*`, `gclid`, `fbclid`, `li_fat_id`, and
inside `current_url`); event names stay Mixpanel's own (Title Case), mapped to neutral names
by the `product_event_names` seed. Every other property stays in `properties` (JSON).

`mixpanel_profiles` keeps one row per profile of each engage page; `created` and
`last_seen` carry no offset and are read as UTC.
"""

from __future__ import annotations

from intel_assets.sources.readers import json_document, jsonl
from intel_assets.sources.spec import Column, RawObject


def _prop(name: str) -> str:
    return f'properties."{name}"'


EVENTS = RawObject(
    tool="mixpanel",
    name="events",
    family="product",
    reader=jsonl(),
    patterns=("events/*.jsonl.gz", "events/*.jsonl", "*.jsonl.gz"),
    description="Mixpanel raw export, one row per exported event line (duplicates kept).",
    columns=(
        Column("event", "event", required=True, description="Mixpanel event name."),
        Column("time", _prop("time"), "epoch_s", required=True,
               description="Event time, Unix seconds, read as UTC."),
        Column("distinct_id", _prop("distinct_id"), required=True,
               description="`$device:<id>` before identify, the user id after."),
        Column("insert_id", _prop("$insert_id"), required=True,
               description="Client-side dedupe id; repeated by re-deliveries."),
        Column("device_id", _prop("$device_id")),
        Column("user_id", _prop("$user_id"), description="The app's user id, once identified."),
        Column("mp_processing_time_ms", _prop("mp_processing_time_ms"), "epoch_ms",
               description="When Mixpanel ingested the event; differs between re-deliveries."),
        Column("email", _prop("$email"), description="Set on the signup event."),
        Column("workspace_id", _prop("workspace_id"), description="The app's workspace."),
        Column("current_url", _prop("$current_url")),
        Column("referrer", _prop("$referrer")),
        Column("utm_source", _prop("utm_source")),
        Column("utm_medium", _prop("utm_medium")),
        Column("utm_campaign", _prop("utm_campaign")),
        Column("gclid", _prop("gclid")),
        Column("fbclid", _prop("fbclid")),
        Column("li_fat_id", _prop("li_fat_id")),
        Column("browser", _prop("$browser")),
        Column("os", _prop("$os")),
        Column("country_code", _prop("mp_country_code")),
        Column("properties", "properties", "json"),
    ),
)

PROFILES = RawObject(
    tool="mixpanel",
    name="profiles",
    family="product",
    reader=json_document(["results"]),
    patterns=("profiles/*.json",),
    description="Mixpanel user profiles, one row per profile of each engage page.",
    columns=(
        Column("distinct_id", '"$distinct_id"', required=True,
               description="The profile's distinct id: the app's user id."),
        Column("email", '"$properties"."$email"'),
        Column("name", '"$properties"."$name"'),
        Column("first_name", '"$properties"."$first_name"'),
        Column("last_name", '"$properties"."$last_name"'),
        Column("created", '"$properties"."$created"', "timestamp",
               description="No offset in the API; read as UTC."),
        Column("last_seen", '"$properties"."$last_seen"', "timestamp"),
        Column("workspace_id", '"$properties".workspace_id'),
        Column("properties", '"$properties"', "json"),
    ),
)

OBJECTS = (EVENTS, PROFILES)
