"""Zendesk Support incremental exports: tickets (with metric sets), users, organizations.

Ticket files are pages of `GET /api/v2/incremental/tickets.json?include=metric_sets`
(`{"tickets": [...], "next_page", "count", "end_time", "end_of_stream"}`); the side-loaded
`metric_set` of each ticket is flattened into the ticket row, since the ticket itself has no
solved time and no reply or resolution times. Users are pages of the cursor-based
`incremental/users/cursor.json` (`{"users": [...], "after_cursor", "end_of_stream"}`),
organizations of the time-based `incremental/organizations.json`. Envelopes only chain pages
and are not kept.

The ticket stream is at-least-once: a ticket updated while the export paged recurs with a
newer `generated_timestamp`, so `zendesk_tickets` may hold one id several times and staging
keeps the row with the largest `generated_timestamp` per id. Integer ids stay strings.
A ticket's person is `requester_id` → `zendesk_users.id`, whose `email` and `external_id`
(the app's user id, where the user signed in through the app) identify them; a shared role
address is a user of its own with no external id. An organization's `domain_names` is a
strong account link: only the first domain is a column (`domain`; all stay in
`domain_names`), so an organization mapped to several domains is matched on its first.
Of the satisfaction rating only its id, score and comment are columns; a rating's reason
stays in the landing file. Business-hours minutes are kept as
sent; the calendar ones are what comparisons across tools should use.
"""

from __future__ import annotations

from intel_assets.sources.readers import json_document
from intel_assets.sources.spec import Column, RawObject

TICKETS = RawObject(
    tool="zendesk",
    name="tickets",
    family="support",
    reader=json_document(["tickets"]),
    patterns=("tickets/*.json", "tickets*.json"),
    description="Zendesk tickets as the incremental export streams them; ids may repeat.",
    columns=(
        Column("id", "id", required=True, description="Ticket id (integer, as a string)."),
        Column("generated_timestamp", "generated_timestamp", "epoch_s", required=True,
               description="When this version was generated: keep the latest per id."),
        Column("created_at", "created_at", "timestamp", required=True),
        Column("updated_at", "updated_at", "timestamp"),
        Column("status", "status", required=True,
               description="new, open, pending, hold, solved, closed or deleted."),
        Column("priority", "priority", description="urgent, high, normal, low or null."),
        Column("type", "type", description="question, incident, problem, task or null."),
        Column("subject", "subject"),
        Column("tags", "tags", "json"),
        Column("first_tag", "tags[0]"),
        Column("requester_id", "requester_id", required=True),
        Column("submitter_id", "submitter_id"),
        Column("assignee_id", "assignee_id"),
        Column("organization_id", "organization_id"),
        Column("group_id", "group_id"),
        Column("brand_id", "brand_id"),
        Column("external_id", "external_id"),
        Column("recipient", "recipient"),
        Column("via_channel", "via.channel", description="web, email, chat, api, …"),
        Column("via_from_address", "via.source.from.address",
               description="The sender's address, for tickets that came in by email."),
        Column("via_from_name", "via.source.from.name"),
        Column("satisfaction_score", "satisfaction_rating.score",
               description="unoffered, offered, good or bad."),
        Column("satisfaction_comment", "satisfaction_rating.comment"),
        Column("satisfaction_rating_id", "satisfaction_rating.id"),
        Column("custom_fields", "custom_fields", "json"),
        Column("metric_set_id", "metric_set.id"),
        Column("solved_at", "metric_set.solved_at", "timestamp"),
        Column("assigned_at", "metric_set.assigned_at", "timestamp"),
        Column("latest_comment_added_at", "metric_set.latest_comment_added_at", "timestamp"),
        Column("reopens", "metric_set.reopens", "integer"),
        Column("replies", "metric_set.replies", "integer"),
        Column("reply_time_calendar_minutes", "metric_set.reply_time_in_minutes.calendar",
               "integer", description="Minutes to the first public agent reply."),
        Column("reply_time_business_minutes", "metric_set.reply_time_in_minutes.business",
               "integer"),
        Column("first_resolution_calendar_minutes",
               "metric_set.first_resolution_time_in_minutes.calendar", "integer"),
        Column("full_resolution_calendar_minutes",
               "metric_set.full_resolution_time_in_minutes.calendar", "integer"),
        Column("full_resolution_business_minutes",
               "metric_set.full_resolution_time_in_minutes.business", "integer"),
        Column("requester_wait_calendar_minutes",
               "metric_set.requester_wait_time_in_minutes.calendar", "integer"),
    ),
)

USERS = RawObject(
    tool="zendesk",
    name="users",
    family="support",
    reader=json_document(["users"]),
    patterns=("users/*.json", "users*.json"),
    description="Zendesk users (requesters and agents), one row per user of each page.",
    columns=(
        Column("id", "id", required=True, description="User id (integer, as a string)."),
        Column("email", "email", description="Primary email; may be a shared role address."),
        Column("name", "name"),
        Column("role", "role", description="end-user, agent or admin."),
        Column("external_id", "external_id",
               description="The app's user id where the user signed in through the app."),
        Column("organization_id", "organization_id"),
        Column("created_at", "created_at", "timestamp", required=True),
        Column("updated_at", "updated_at", "timestamp"),
        Column("last_login_at", "last_login_at", "timestamp"),
        Column("verified", "verified", "boolean"),
        Column("active", "active", "boolean"),
        Column("suspended", "suspended", "boolean"),
        Column("shared", "shared", "boolean"),
        Column("time_zone", "time_zone"),
        Column("locale", "locale"),
        Column("tags", "tags", "json"),
        Column("user_fields", "user_fields", "json"),
    ),
)

ORGANIZATIONS = RawObject(
    tool="zendesk",
    name="organizations",
    family="support",
    reader=json_document(["organizations"]),
    patterns=("organizations/*.json", "organizations*.json"),
    description="Zendesk organizations, one row per organization of each page.",
    columns=(
        Column("id", "id", required=True, description="Organization id (integer, as a string)."),
        Column("name", "name"),
        Column("domain", "domain_names[0]",
               description="First mapped email domain: a strong account link."),
        Column("domain_names", "domain_names", "json"),
        Column("external_id", "external_id",
               description="An id the company gave the organization (here the workspace id)."),
        Column("created_at", "created_at", "timestamp", required=True),
        Column("updated_at", "updated_at", "timestamp"),
        Column("group_id", "group_id"),
        Column("shared_tickets", "shared_tickets", "boolean"),
        Column("tags", "tags", "json"),
        Column("organization_fields", "organization_fields", "json"),
    ),
    business_only=True,
)

OBJECTS = (TICKETS, USERS, ORGANIZATIONS)
