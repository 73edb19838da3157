"""Heap Connect on S3: Avro parts of users, sessions, pageviews, event tables, migrations.

Every part file of every dump is loaded; the manifests are not read, so their
`incremental: false` (replace the table) is not honoured in the raw layer. Nothing is lost by
that: the users table repeats a user in each dump that saw it change, and staging takes the
row with the latest `last_modified` per `user_id`; event, session and migration rows never
repeat across dumps, so appending every dump is the full history. The dump a row came from
is the `sync_<dump_id>` folder in `_source_file`.

Heap user ids (`user_id`, `from_user_id`, `to_user_id`) and event and session ids are int64
and kept as text. S3 syncs do not resolve identity: an event's user is
`coalesce(to_user_id, user_id)` after a join on `user_migrations.from_user_id`. `identity`
on `users` is the app's user id. Times are strings without a zone, read as UTC; the reader
accepts timestamp logical types as well, should a file carry them.

`heap_sessions` has one row per session start plus one per person for their landing visit
(the session their page views and signup fall in), so a count of sessions there is one per
person higher than a count of session-start events elsewhere; the landing visit is the
person's first session, the one whose landing page is the marketing site.

`heap_events` holds every per-event table (sign-up, reports, dashboards, integrations,
exports, invites) in one raw table: columns are the union, `event_table_name` says which
table a row came from (it is also the folder name in `_source_file`). Only the event tables
this project tracks are matched, since a glob cannot exclude Heap's own tables; a table
added to the Heap project needs its folder added to `EVENT_TABLES`.
"""

from __future__ import annotations

from intel_assets.sources.readers import avro
from intel_assets.sources.spec import Column, RawObject

EVENT_TABLES = (
    "account_sign_up",
    "reports_create_report",
    "dashboards_share_dashboard",
    "integrations_connect_integration",
    "data_export_data",
    "team_invite_teammate",
)
_READER = avro()


def _patterns(table: str) -> tuple[str, ...]:
    return (f"sync_*/{table}/*.avro",)


_SESSION_COLUMNS = (
    Column("platform", "platform"),
    Column("device_type", "device_type"),
    Column("country", "country"),
    Column("browser", "browser"),
    Column("referrer", "referrer"),
    Column("landing_page", "landing_page"),
    Column("landing_page_query", "landing_page_query",
           description="The session's landing query string: UTMs and click ids."),
    Column("utm_source", "utm_source"),
    Column("utm_medium", "utm_medium"),
    Column("utm_campaign", "utm_campaign"),
    Column("workspace_id", "workspace_id", description="The app's workspace (event property)."),
)
_EVENT_COLUMNS = (
    Column("event_id", "event_id", required=True),
    Column("user_id", "user_id", required=True, description="Heap's int64 user id, as text."),
    Column("session_id", "session_id"),
    Column("time", "time", "timestamp", required=True),
    Column("domain", "domain"),
    Column("path", "path"),
    Column("query", "query"),
    Column("title", "title"),
    *_SESSION_COLUMNS,
)

USERS = RawObject(
    tool="heap",
    name="users",
    family="product",
    reader=_READER,
    patterns=_patterns("users"),
    description="Heap users as each dump saw them; a user repeats in later dumps.",
    columns=(
        Column("user_id", "user_id", required=True),
        Column("identity", "identity", description="The app's user id, once identified."),
        Column("email", "email"),
        Column("name", "name"),
        Column("workspace_id", "workspace_id"),
        Column("joindate", "joindate", "timestamp"),
        Column("last_modified", "last_modified", "timestamp", required=True,
               description="Latest row per user_id wins."),
    ),
)

SESSIONS = RawObject(
    tool="heap",
    name="sessions",
    family="product",
    reader=_READER,
    patterns=_patterns("sessions"),
    description="Heap sessions, one row per session start.",
    columns=(
        Column("session_id", "session_id", required=True),
        Column("user_id", "user_id", required=True),
        Column("time", "time", "timestamp", required=True),
        Column("library", "library"),
        *_SESSION_COLUMNS,
    ),
)

PAGEVIEWS = RawObject(
    tool="heap",
    name="pageviews",
    family="product",
    reader=_READER,
    patterns=_patterns("pageviews"),
    description="Heap pageviews, one row per page view.",
    columns=_EVENT_COLUMNS,
)

EVENTS = RawObject(
    tool="heap",
    name="events",
    family="product",
    reader=_READER,
    patterns=tuple(p for table in EVENT_TABLES for p in _patterns(table)),
    description="Every tracked Heap event table in one, `event_table_name` naming the table.",
    columns=(
        Column("event_table_name", "event_table_name", required=True),
        *_EVENT_COLUMNS,
        Column("email", "email", description="Sign-up only: the address signed up with."),
        Column("gclid", "gclid", description="Sign-up only: the landing URL's click id."),
        Column("fbclid", "fbclid"),
        Column("li_fat_id", "li_fat_id"),
    ),
)

USER_MIGRATIONS = RawObject(
    tool="heap",
    name="user_migrations",
    family="product",
    reader=_READER,
    patterns=_patterns("user_migrations"),
    description="Heap user migrations: an anonymous user moved into an identified one.",
    columns=(
        Column("from_user_id", "from_user_id", required=True),
        Column("to_user_id", "to_user_id", required=True),
        Column("time", "time", "timestamp"),
    ),
)

OBJECTS = (USERS, SESSIONS, PAGEVIEWS, EVENTS, USER_MIGRATIONS)
