"""Klaviyo JSON:API pages: email events, the metrics they point to, and profiles.

An event names its metric (`Received Email`, `Opened Email`, `Clicked Email`, `Bounced
Email`, `Unsubscribed`) only through `relationships.metric.data.id`; the name sits on the
metric resource in the same page's `included` list. The raw engine reads one record at a time
and cannot join inside a document, so `klaviyo_events` keeps `metric_id` and `klaviyo_metrics`
loads the metric resources from those same files' `included` lists (one row per page that
includes a metric, so staging deduplicates on `id` before joining). Events carry no address:
the person is `profile_id`, which joins `klaviyo_profiles` (email, external id). The profile
resources of `included` are sparse copies of the profiles export and are not loaded; a profile
created after the profiles export was taken is then unknown until the next export.

Event property keys (`Campaign Name`, `Subject`, `$message`, `$flow`, `URL`) follow what
Klaviyo shows for its email metrics; the OpenAPI spec leaves `event_properties` free-form, so
the whole object is kept as JSON as well.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import orjson

from intel_assets.sources.readers import json_document
from intel_assets.sources.spec import Column, RawObject, Reader, Record, UnreadableFile

_PAGE = json_document(["data"])


def _parse(data: bytes) -> object:
    """orjson.loads with the cyclic collector paused: a page builds some hundred thousand
    dicts, and collections triggered meanwhile rescan them all (about 40% of the parse)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return orjson.loads(data)
    finally:
        if enabled:
            gc.enable()


def included(resource_type: str) -> Reader:
    """The resources of one type from a JSON:API page's `included` list; row numbers are
    positions in that list, so a quarantined row still points at its resource. A page
    without `included` (an empty page) has none."""

    def read(path: Path) -> Iterator[Record]:
        try:
            document = _parse(path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as error:
            raise UnreadableFile(path, f"not valid JSON ({error})") from error
        if not isinstance(document, dict):
            raise UnreadableFile(path, "expected a JSON:API document, found a "
                                 f"{type(document).__name__}")
        resources = document.get("included") or []
        if not isinstance(resources, list):
            raise UnreadableFile(path, "`included` is not a list")
        for number, resource in enumerate(resources, start=1):
            if isinstance(resource, dict) and resource.get("type") != resource_type:
                continue
            yield Record(number, orjson.dumps(resource).decode())

    return read


EVENTS = RawObject(
    tool="klaviyo",
    name="events",
    family="lifecycle",
    reader=_PAGE,
    patterns=("events/*.json", "events*.json"),
    description="Klaviyo events (email metrics), one row per event resource of each page.",
    columns=(
        Column("id", "id", required=True, description="Event id."),
        Column("type", "type"),
        Column("timestamp", "attributes.timestamp", "epoch_s", required=True,
               description="When the event happened (Unix seconds)."),
        Column("datetime", "attributes.datetime", "timestamp",
               description="The same instant as ISO 8601 with offset."),
        Column("uuid", "attributes.uuid"),
        Column("metric_id", "relationships.metric.data.id", required=True,
               description="Joins klaviyo_metrics.id for the metric name."),
        Column("profile_id", "relationships.profile.data.id", required=True,
               description="Joins klaviyo_profiles.id: the only person key on an event."),
        Column("campaign_name", 'attributes.event_properties."Campaign Name"'),
        Column("subject", "attributes.event_properties.Subject"),
        Column("message_id", 'attributes.event_properties."$message"',
               description="The campaign or flow message the event belongs to."),
        Column("flow_id", 'attributes.event_properties."$flow"',
               description="Set for flow (automated) messages, absent for campaigns."),
        Column("url", "attributes.event_properties.URL", description="Clicked link (UTMs)."),
        Column("bounce_type", 'attributes.event_properties."Bounce Type"'),
        Column("event_properties", "attributes.event_properties", "json"),
    ),
)

METRICS = RawObject(
    tool="klaviyo",
    name="metrics",
    family="lifecycle",
    reader=included("metric"),
    patterns=("events/*.json", "events*.json"),
    description="Metric resources from the event pages' `included`; repeats once per page.",
    columns=(
        Column("id", "id", required=True),
        Column("name", "attributes.name", required=True,
               description="Metric name, e.g. `Opened Email`."),
        Column("integration_name", "attributes.integration.name"),
        Column("created", "attributes.created", "timestamp"),
        Column("updated", "attributes.updated", "timestamp"),
    ),
)

PROFILES = RawObject(
    tool="klaviyo",
    name="profiles",
    family="lifecycle",
    reader=_PAGE,
    patterns=("profiles/*.json", "profiles*.json"),
    description="Klaviyo profiles, one row per profile resource of each page.",
    columns=(
        Column("id", "id", required=True, description="26-character profile id."),
        Column("email", "attributes.email"),
        Column("external_id", "attributes.external_id",
               description="The app's user id, where the app synced it."),
        Column("phone_number", "attributes.phone_number"),
        Column("anonymous_id", "attributes.anonymous_id"),
        Column("first_name", "attributes.first_name"),
        Column("last_name", "attributes.last_name"),
        Column("organization", "attributes.organization",
               description="Company name as a free-text profile field."),
        Column("created", "attributes.created", "timestamp", required=True),
        Column("updated", "attributes.updated", "timestamp"),
        Column("country", "attributes.location.country"),
        Column("timezone", "attributes.location.timezone"),
        Column("location", "attributes.location", "json"),
        Column("properties", "attributes.properties", "json"),
    ),
)

OBJECTS = (EVENTS, METRICS, PROFILES)
