"""Braze Currents email events: the Avro files of every `users.messages.email.*` type in one
table.

Currents writes one folder per event type (`event_type=users.messages.email.Open/...`) and
the flat records do not name their own type, so a local reader adds `event_type` to each
record: from the `event_type=` segment of the file's path, or, for a file outside that layout
(named like Braze's sample files, `users.messages.email.Open.avro`), from the writer schema's
record name (`dataexport.S3.inner.users.messages.email.Open`). A record whose type cannot be
told is quarantined. Only email event types are read: other Currents types (push, behaviours)
land beside them in the same bucket and have other fields. The email fields differ by type
(`url` on clicks, `bounce_reason` on bounces, `machine_open` on opens); absent ones load as
null.

Currents is at-least-once, so a record can repeat with the same `id`; staging deduplicates on
it. The person is `user_id` (Braze's id), `external_user_id` (the app's user id, null for
people added by email alone) and `email_address`. A message is (`user_id`, `dispatch_id`):
scheduled campaigns share one dispatch id across recipients.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import orjson

from intel_assets.sources.spec import Column, RawObject, Reader, Record, UnreadableFile

_TYPE_SEGMENT = "event_type="
_SCHEMA_MARKER = "users.messages."


def event_type_of(path: Path, schema_name: str | None) -> str | None:
    """`users.messages.email.Open` from the path, else from the writer schema's name."""
    for part in reversed(path.parts):
        if part.startswith(_TYPE_SEGMENT):
            return part[len(_TYPE_SEGMENT):] or None
    if schema_name and _SCHEMA_MARKER in schema_name:
        return schema_name[schema_name.index(_SCHEMA_MARKER):]
    return None


def _decode(records: Iterator[object]) -> tuple[list[object], str | None]:
    """Every record fastavro can decode, and why it stopped early if it did; the cyclic
    collector is paused meanwhile, since rescanning the growing list of records costs a
    quarter of the decoding. Currents files are small (15,000 events at most, usually)."""
    decoded: list[object] = []
    enabled = gc.isenabled()
    gc.disable()
    try:
        decoded.extend(records)
    except (EOFError, ValueError, OSError) as error:
        return decoded, f"Avro block cannot be decoded: {error}"
    finally:
        if enabled:
            gc.enable()
    return decoded, None


def currents_avro() -> Reader:
    """An Avro container of Currents records, each given its `event_type`; a file whose header
    is not Avro is unreadable, a block cut short ends the file with one error record after
    the records of the whole blocks before it."""

    def read(path: Path) -> Iterator[Record]:
        import fastavro

        try:
            handle = path.open("rb")
        except OSError as error:
            raise UnreadableFile(path, str(error)) from error
        with handle:
            try:
                records = fastavro.reader(handle)
            except (ValueError, EOFError, OSError) as error:
                raise UnreadableFile(path, f"not an Avro container ({error})") from error
            schema = records.writer_schema
            name = schema.get("name") if isinstance(schema, dict) else None
            decoded, failure = _decode(records)
        event_type = event_type_of(path, name)
        for number, record in enumerate(decoded, start=1):
            if isinstance(record, dict):
                record["event_type"] = event_type
            yield Record(number, orjson.dumps(record, default=str).decode())
        if failure is not None:
            yield Record(len(decoded) + 1, None, failure)

    return read


EMAIL_EVENTS = RawObject(
    tool="braze",
    name="email_events",
    family="lifecycle",
    reader=currents_avro(),
    patterns=("**/event_type=users.messages.email.*/**/*.avro",
              "**/users.messages.email.*.avro"),
    description="Braze Currents email events of every type, one row per Avro record.",
    columns=(
        Column("id", "id", required=True, description="Event id; repeats are duplicates."),
        Column("event_type", "event_type", required=True,
               description="users.messages.email.Send, .Delivery, .Open, .Click, .Bounce, ..."),
        Column("time", "time", "epoch_s", required=True),
        Column("user_id", "user_id", required=True, description="Braze's 24-hex user id."),
        Column("external_user_id", "external_user_id", description="The app's user id."),
        Column("email_address", "email_address"),
        Column("timezone", "timezone"),
        Column("app_group_id", "app_group_id"),
        Column("campaign_id", "campaign_id"),
        Column("campaign_name", "campaign_name"),
        Column("message_variation_id", "message_variation_id"),
        Column("message_variation_name", "message_variation_name"),
        Column("canvas_id", "canvas_id"),
        Column("canvas_name", "canvas_name"),
        Column("canvas_variation_id", "canvas_variation_id"),
        Column("canvas_step_id", "canvas_step_id"),
        Column("canvas_step_name", "canvas_step_name"),
        Column("dispatch_id", "dispatch_id"),
        Column("send_id", "send_id"),
        Column("url", "url", description="Clicked link (UTMs); Click only."),
        Column("link_id", "link_id"),
        Column("link_alias", "link_alias"),
        Column("user_agent", "user_agent"),
        Column("device_class", "device_class"),
        Column("machine_open", "machine_open", description="'true' for pre-fetch opens."),
        Column("is_amp", "is_amp", "boolean"),
        Column("is_suspected_bot_click", "is_suspected_bot_click", "boolean"),
        Column("bounce_reason", "bounce_reason"),
        Column("is_drop", "is_drop", "boolean"),
        Column("esp", "esp"),
        Column("from_domain", "from_domain"),
        Column("sending_ip", "sending_ip"),
        Column("ip_pool", "ip_pool"),
    ),
)

OBJECTS = (EMAIL_EVENTS,)
