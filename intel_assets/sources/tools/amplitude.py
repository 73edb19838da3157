"""Amplitude: Export API archives (zip of gzip JSON lines), one row per event.

Every `*_time` field is a UTC string without a zone and is read as UTC. `amplitude_id` is
an int64 kept as text. `user_id` is null on anonymous events; an event with both `user_id`
and `device_id` is the edge that merges a device into a user (the export has no merge
table, and old events keep the `amplitude_id` they had). The workspace is the first value
of the `workspace` group (`groups.workspace[0]`); an event in several workspaces keeps the
others only in `groups`. The user-property snapshot's email, UTMs and click ids (latest and
`initial_*`) are columns; the landing URL is `page_location`. Event names stay Amplitude's
own (snake case), mapped to neutral names by the `product_event_names` seed.

The raw table keeps the archive's lines as they are; the reader numbers lines across the
archive's entries in name order, so a quarantined row is found by its row number and the
archive's `_source_file`, not by the entry name.
"""

from __future__ import annotations

from intel_assets.sources.readers import zipped_gzip_jsonl
from intel_assets.sources.spec import Column, RawObject

EVENTS = RawObject(
    tool="amplitude",
    name="events",
    family="product",
    reader=zipped_gzip_jsonl(),
    patterns=("events/*.zip", "*.zip"),
    description="Amplitude Export API events, one row per exported event.",
    columns=(
        Column("uuid", "uuid", required=True, description="Amplitude's id for the event."),
        Column("event_type", "event_type", required=True),
        Column("event_time", "event_time", "timestamp", required=True,
               description="UTC, written without a zone."),
        Column("insert_id", '"$insert_id"', description="The client's dedupe id."),
        Column("user_id", "user_id", description="The app's user id; null before signup."),
        Column("device_id", "device_id"),
        Column("amplitude_id", "amplitude_id", required=True,
               description="Amplitude's int64 user id, as text."),
        Column("event_id", "event_id", "integer"),
        Column("session_id", "session_id", "integer",
               description="Epoch ms of the session start; -1 outside a session."),
        Column("server_upload_time", "server_upload_time", "timestamp"),
        Column("app", "app", description="Amplitude project id."),
        Column("platform", "platform"),
        Column("os_name", "os_name"),
        Column("device_family", "device_family"),
        Column("country", "country"),
        Column("workspace_id", "groups.workspace[0]"),
        Column("email", "user_properties.email"),
        Column("utm_source", "user_properties.utm_source"),
        Column("utm_medium", "user_properties.utm_medium"),
        Column("utm_campaign", "user_properties.utm_campaign"),
        Column("gclid", "user_properties.gclid"),
        Column("fbclid", "user_properties.fbclid"),
        Column("li_fat_id", "user_properties.li_fat_id"),
        Column("initial_utm_source", "user_properties.initial_utm_source"),
        Column("initial_utm_medium", "user_properties.initial_utm_medium"),
        Column("initial_utm_campaign", "user_properties.initial_utm_campaign"),
        Column("initial_gclid", "user_properties.initial_gclid"),
        Column("initial_fbclid", "user_properties.initial_fbclid"),
        Column("initial_li_fat_id", "user_properties.initial_li_fat_id"),
        Column("page_location", 'event_properties."[Amplitude] Page Location"'),
        Column("page_path", 'event_properties."[Amplitude] Page Path"'),
        Column("referrer", "event_properties.referrer"),
        Column("event_properties", "event_properties", "json"),
        Column("user_properties", "user_properties", "json"),
        Column("groups", "groups", "json"),
    ),
)

OBJECTS = (EVENTS,)
