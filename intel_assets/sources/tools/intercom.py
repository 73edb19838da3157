"""Intercom (API 2.11) list pages: contacts, companies and conversations, times in epoch s.

Every file is one page of `GET /contacts`, `GET /companies` (`{"type": "list", "data": [...]}`)
or `GET /conversations` (`{"type": "conversation.list", "conversations": [...]}`); the
envelope's `pages.next.starting_after` only chains the pages and is not kept.

A contact is a `user` (identified by the app: `external_id` is the app's user id where it
was booted with one) or a `lead` (anonymous, such as a shared role address writing in by
email). A contact names its companies by Intercom's own company id only, as the API does;
`intercom_companies.company_id` is the id the app gave the company (the workspace id), so the
account link goes contact → `company_id` here → companies. Only the first attached company is
a column (`company_id`; all of them stay in `companies`): a contact in several workspaces is
placed in the first. A conversation's customer is `contacts.contacts[0]` (group conversations
with several customers keep the rest in `contacts` only). The category is the first tag
(`first_tag_name`; every tag stays in `tags`). Statistics and the rating are flattened
as their fields are named; a list sync that leaves `statistics` null simply has nulls there.
"""

from __future__ import annotations

from intel_assets.sources.readers import json_document
from intel_assets.sources.spec import Column, RawObject

CONTACTS = RawObject(
    tool="intercom",
    name="contacts",
    family="support",
    reader=json_document(["data"]),
    patterns=("contacts/*.json", "contacts*.json"),
    description="Intercom contacts (users and leads), one row per contact of each page.",
    columns=(
        Column("id", "id", required=True, description="Intercom contact id (24 hex)."),
        Column("role", "role", required=True, description="`user` (identified) or `lead`."),
        Column("external_id", "external_id",
               description="The app's user id the Messenger was booted with; null for leads."),
        Column("email", "email", description="As the contact gave it; may be a role address."),
        Column("email_domain", "email_domain"),
        Column("name", "name"),
        Column("workspace_id", "workspace_id",
               description="Intercom's own workspace (app) id, not the product's workspace."),
        Column("company_id", "companies.data[0].id",
               description="Intercom id of the first attached company."),
        Column("companies", "companies.data", "json"),
        Column("created_at", "created_at", "epoch_s", required=True),
        Column("updated_at", "updated_at", "epoch_s"),
        Column("signed_up_at", "signed_up_at", "epoch_s"),
        Column("last_seen_at", "last_seen_at", "epoch_s"),
        Column("last_replied_at", "last_replied_at", "epoch_s"),
        Column("last_contacted_at", "last_contacted_at", "epoch_s"),
        Column("has_hard_bounced", "has_hard_bounced", "boolean"),
        Column("unsubscribed_from_emails", "unsubscribed_from_emails", "boolean"),
        Column("location_country", "location.country"),
        Column("custom_attributes", "custom_attributes", "json"),
        Column("tags", "tags.data", "json"),
    ),
)

COMPANIES = RawObject(
    tool="intercom",
    name="companies",
    family="support",
    reader=json_document(["data"]),
    patterns=("companies/*.json", "companies*.json"),
    description="Intercom companies, one row per company; `company_id` is the app's own id.",
    columns=(
        Column("id", "id", required=True, description="Intercom company id (24 hex)."),
        Column("company_id", "company_id", required=True,
               description="The id the app gave the company: the product's workspace id."),
        Column("name", "name"),
        Column("app_id", "app_id"),
        Column("website", "website", description="The company's site: its domain, as a URL."),
        Column("industry", "industry"),
        Column("plan_id", "plan.id"),
        Column("plan_name", "plan.name"),
        Column("size", "size", "integer"),
        Column("user_count", "user_count", "integer"),
        Column("session_count", "session_count", "integer"),
        Column("monthly_spend", "monthly_spend", "decimal"),
        Column("remote_created_at", "remote_created_at", "epoch_s",
               description="When the app says the company was created."),
        Column("created_at", "created_at", "epoch_s", required=True),
        Column("updated_at", "updated_at", "epoch_s"),
        Column("last_request_at", "last_request_at", "epoch_s"),
        Column("custom_attributes", "custom_attributes", "json"),
        Column("tags", "tags.tags", "json"),
    ),
    business_only=True,
)

CONVERSATIONS = RawObject(
    tool="intercom",
    name="conversations",
    family="support",
    reader=json_document(["conversations"]),
    patterns=("conversations/*.json", "conversations*.json"),
    description="Intercom conversations, one row per conversation with its statistics.",
    columns=(
        Column("id", "id", required=True, description="Conversation id (a numeric string)."),
        Column("created_at", "created_at", "epoch_s", required=True),
        Column("updated_at", "updated_at", "epoch_s"),
        Column("state", "state", required=True, description="open, closed or snoozed."),
        Column("open", "open", "boolean"),
        Column("read", "read", "boolean"),
        Column("priority", "priority", description="`priority` or `not_priority`."),
        Column("title", "title"),
        Column("waiting_since", "waiting_since", "epoch_s"),
        Column("snoozed_until", "snoozed_until", "epoch_s"),
        Column("admin_assignee_id", "admin_assignee_id"),
        Column("team_assignee_id", "team_assignee_id"),
        Column("source_type", "source.type", description="`conversation` (Messenger), `email`…"),
        Column("source_id", "source.id"),
        Column("delivered_as", "source.delivered_as"),
        Column("subject", "source.subject"),
        Column("body", "source.body"),
        Column("author_type", "source.author.type"),
        Column("author_id", "source.author.id"),
        Column("author_email", "source.author.email"),
        Column("contact_id", "contacts.contacts[0].id",
               description="The customer: an Intercom contact id."),
        Column("contact_external_id", "contacts.contacts[0].external_id",
               description="The customer's app user id, where the contact has one."),
        Column("contacts", "contacts.contacts", "json"),
        Column("first_tag_name", "tags.tags[0].name"),
        Column("tags", "tags.tags", "json"),
        Column("time_to_assignment", "statistics.time_to_assignment", "integer"),
        Column("time_to_admin_reply", "statistics.time_to_admin_reply", "integer",
               description="Seconds from the customer's first message to the first reply."),
        Column("time_to_first_close", "statistics.time_to_first_close", "integer"),
        Column("time_to_last_close", "statistics.time_to_last_close", "integer"),
        Column("median_time_to_reply", "statistics.median_time_to_reply", "integer"),
        Column("first_contact_reply_at", "statistics.first_contact_reply_at", "epoch_s"),
        Column("first_admin_reply_at", "statistics.first_admin_reply_at", "epoch_s"),
        Column("first_close_at", "statistics.first_close_at", "epoch_s"),
        Column("last_close_at", "statistics.last_close_at", "epoch_s"),
        Column("last_admin_reply_at", "statistics.last_admin_reply_at", "epoch_s"),
        Column("last_contact_reply_at", "statistics.last_contact_reply_at", "epoch_s"),
        Column("count_reopens", "statistics.count_reopens", "integer"),
        Column("count_assignments", "statistics.count_assignments", "integer"),
        Column("count_conversation_parts", "statistics.count_conversation_parts", "integer"),
        Column("rating", "conversation_rating.rating", "integer", description="1 to 5."),
        Column("rating_remark", "conversation_rating.remark"),
        Column("rated_at", "conversation_rating.created_at", "epoch_s"),
        Column("rating_contact_id", "conversation_rating.contact.id"),
    ),
)

OBJECTS = (CONTACTS, COMPANIES, CONVERSATIONS)
