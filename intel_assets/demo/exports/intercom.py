"""Intercom (API 2.11): contacts, companies and conversations as the list endpoints page them.

Each file is one page of `GET /contacts`, `GET /companies` or `GET /conversations`, with the
list envelope (`{"type": "list", "data", "total_count", "pages"}`, conversations under
`{"type": "conversation.list", "conversations"}`) and cursor pages whose `pages.next`
carries `starting_after` until the last page. Pages hold 1,000 objects, more than the API's
150, to keep the landing folder small; each chunk's files are a page sequence of their own.

Who is here and why: the Messenger runs inside the app, so every app user is a contact with
role `user`; about 90% were booted with their app user id as `external_id`, the rest by email
only. A shared role address (`team@…`) that writes to support becomes one `lead` per account,
with no external id and no company, since nobody logged into the app with it. Every support
ticket of the world is one conversation: the role-address ones arrive by email, the others by
email or through the Messenger. Contacts are attached to their account's company, whose
`company_id` is the app's workspace id; the contact itself only names Intercom's company id,
as the real contact object does, so the companies listing is what links a contact to a
workspace; its `website` is the company domain, which the answer key names bare (as
`domain`). Contact and company ids are ObjectId-like (the first 8 hex digits are the creation
time); conversation ids are numeric strings spread per ticket rather than sequential, since
chunks are generated independently. Statistics and ratings are filled in although the list
endpoint may leave them `null`, as a sync that retrieves each conversation would have them.
A rating is asked for when a conversation closes, so the few still-open tickets the world
gave a satisfaction to have none; good maps to 4-5 stars, bad to 1-2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from intel_assets.demo import ids
from intel_assets.demo.exports.base import ExportContext, identity_rows
from intel_assets.demo.exports.formats import epoch_s, pages, write_json
from intel_assets.demo.identities import email_variant, share
from intel_assets.demo.world import EPOCH_END, WorldChunk

PAGE_SIZE = 1_000
EXTERNAL_ID_SHARE = 0.9
PERSONAL_SHARE = 0.1
REOPEN_SHARE = 0.04
ADMINS = 6
TEAM_ID = 5_017_691
TICKETS_PER_PERSON = 1024  # ticket key = person_idx * this + the person's ticket rank
LAST_SECOND = int(epoch_s([EPOCH_END])[0]) - 1
CATEGORIES = ("how_to", "bug", "billing", "onboarding", "feature_request")
GOOD_REMARKS = ("Quick fix, thanks!", "Very helpful", "Sorted fast")
BAD_REMARKS = ("Took too long", "Still not working", "Didn't answer my question")


def export(world: WorldChunk, ctx: ExportContext) -> pd.DataFrame:
    seed = ctx.seed
    consumer = ctx.company.config.consumer
    app_id = str(ids.base36(seed, "intercom:app", np.array([0]), 8)[0])

    companies = _companies(world, ctx, app_id)
    users = _user_contacts(world, ctx, companies)
    leads = _lead_contacts(world, ctx)
    contacts = pd.concat([users, leads], ignore_index=True)
    conversations = _conversations(world, ctx, users, leads)
    contacts = _with_activity(contacts, conversations)

    _write_contacts(ctx, contacts, app_id)
    if not consumer:
        last_request = users.groupby("account_id")["last_seen"].max()
        companies["last_request"] = last_request.reindex(companies["account_id"]).to_numpy()
    _write_companies(ctx, companies, app_id, consumer)
    _write_conversations(ctx, conversations, contacts)

    people = contacts["person_id"].to_numpy(dtype=object)
    accounts = contacts["account_id"].to_numpy(dtype=object)
    company_accounts = companies["account_id"].to_numpy(dtype=object)
    return pd.concat(
        [
            identity_rows(ctx, "tool_user_id", contacts["id"].to_numpy(dtype=object), people,
                          accounts),
            identity_rows(ctx, "email", contacts["email"].to_numpy(dtype=object), people,
                          accounts),
            identity_rows(ctx, "user_id", contacts["external_id"].to_numpy(dtype=object),
                          people, accounts),
            identity_rows(ctx, "organization_id", companies["id"].to_numpy(dtype=object), None,
                          company_accounts),
            identity_rows(ctx, "workspace_id", companies["company_id"].to_numpy(dtype=object),
                          None, company_accounts),
            identity_rows(ctx, "domain", companies["domain"].to_numpy(dtype=object), None,
                          company_accounts),
        ],
        ignore_index=True,
    )


# --- ids and draws --------------------------------------------------------------------------


def _uniform(seed: int, namespace: str, index: np.ndarray) -> np.ndarray:
    return (ids.mix(seed, namespace, index) >> np.uint64(11)).astype(np.float64) / 2.0**53


def plain_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[list]:
    """Columns as lists of plain Python values (None where missing; whole floats as ints),
    since building dicts from numpy scalars or Arrow-backed strings is several times slower."""
    out = []
    for column in columns:
        values = frame[column].to_numpy()
        if values.dtype.kind in "iub":
            out.append(values.tolist())
        elif values.dtype.kind == "f":
            out.append([None if v != v else int(v) for v in values.tolist()])
        else:
            values = frame[column].to_numpy(dtype=object)
            missing = pd.isna(values)
            if missing.any():
                values = values.copy()
                values[missing] = None
            out.append(values.tolist())
    return out


def _object_ids(seed: int, namespace: str, index: np.ndarray, created: np.ndarray) -> np.ndarray:
    """Mongo ObjectId-style ids, as Intercom's are: creation time in hex, then 16 hex."""
    tail = ids.hexid(seed, namespace, index, 16)
    return np.array([f"{int(t):08x}{x}" for t, x in zip(created, tail)], dtype=object)


def _cursor(ctx: ExportContext, name: str, number: int) -> str:
    index = np.array([ctx.chunk * 100_000 + number])
    return str(ids.base62(ctx.seed, f"intercom:cursor:{name}", index, 28)[0])


def ticket_keys(world: WorldChunk) -> np.ndarray:
    """A ticket's global key: its filer's person index and its rank among their tickets, so
    that ids agree however the accounts are chunked (Zendesk's exporter uses it too)."""
    tickets = world.tickets
    person_idx = world.people["person_idx"].to_numpy()[tickets["person_row"].to_numpy()]
    rank = tickets.groupby("person_row").cumcount().to_numpy()
    return person_idx.astype(np.int64) * TICKETS_PER_PERSON + rank


# --- contacts and companies -----------------------------------------------------------------


def _companies(world: WorldChunk, ctx: ExportContext, app_id: str) -> pd.DataFrame:
    accounts = world.accounts
    if ctx.company.config.consumer:
        return pd.DataFrame(columns=["id", "company_id", "account_id", "domain"])
    created = epoch_s(accounts["signup_at"])
    subs = world.subscriptions.set_index("account_id").reindex(accounts["account_id"])
    live = (subs["status"] != "canceled").to_numpy()
    spend = (subs["quantity"] * subs["unit_amount_cents"]).to_numpy() // 100
    return pd.DataFrame(
        {
            "id": _object_ids(ctx.seed, "intercom:company", accounts["account_idx"].to_numpy(),
                              created),
            "company_id": accounts["workspace_id"].to_numpy(),
            "account_id": accounts["account_id"].to_numpy(),
            "name": accounts["name"].to_numpy(),
            "created": created,
            "plan": accounts["plan"].to_numpy(),
            "size": accounts["employees"].to_numpy(),
            "domain": accounts["domain"].to_numpy(),
            "website": np.char.add("https://", accounts["domain"].to_numpy().astype(str)),
            "industry": accounts["industry"].to_numpy(),
            "monthly_spend": np.where(live, spend, 0),
            "user_count": world.people.groupby("account_row").size()
            .reindex(np.arange(len(accounts)), fill_value=0).to_numpy(),
        }
    )


def _user_contacts(
    world: WorldChunk, ctx: ExportContext, companies: pd.DataFrame
) -> pd.DataFrame:
    people = world.people
    seed = ctx.seed
    person_idx = people["person_idx"].to_numpy()
    created = epoch_s(people["joined_at"])

    linked = share(seed, "intercom:external_id", person_idx, EXTERNAL_ID_SHARE)
    email = email_variant(people, seed=seed, tool=ctx.tool, personal_share=PERSONAL_SHARE)
    personal = email == people["personal_email"].to_numpy()
    email = np.where(personal & ~linked, people["email"].to_numpy(), email)

    events = world.product_events
    identified = events["identified"].to_numpy(dtype=bool)
    times = pd.Series(events["time"].to_numpy()[identified])
    seen = times.groupby(events["person_row"].to_numpy()[identified]).max()
    last_seen = seen.reindex(np.arange(len(people))).to_numpy()
    last_seen = np.where(pd.isna(last_seen), people["joined_at"].to_numpy(), last_seen)

    accounts = world.accounts
    account_row = people["account_row"].to_numpy()
    company_of = dict(zip(*plain_columns(companies, ("account_id", "id"))))
    return pd.DataFrame(
        {
            "id": _object_ids(seed, "intercom:contact", person_idx, created),
            "role": "user",
            "external_id": np.where(linked, people["user_id"].to_numpy(), None),
            "email": email,
            "name": (people["first_name"] + " " + people["last_name"]).to_numpy(),
            "created": created.astype(np.int64),
            "signed_up": created.astype(np.int64),
            "last_seen": epoch_s(last_seen).astype(np.int64),
            "person_id": people["person_id"].to_numpy(),
            "account_id": people["account_id"].to_numpy(),
            "company": [company_of.get(a) for a in people["account_id"].to_numpy(dtype=object)],
            "plan": accounts["plan"].to_numpy()[account_row],
            "app_role": people["role"].to_numpy(),
            "country": accounts["country"].to_numpy()[account_row],
        }
    )


def _lead_contacts(world: WorldChunk, ctx: ExportContext) -> pd.DataFrame:
    """One lead per role address that wrote in, created by its first conversation."""
    tickets = world.tickets
    role = tickets[tickets["from_role_address"].to_numpy()]
    first = role.groupby("account_id", sort=True).agg(
        email=("requester_email", "first"), created=("created_at", "min")
    ).reset_index()
    account_idx = world.accounts.set_index("account_id")["account_idx"] \
        .reindex(first["account_id"]).to_numpy()
    created = epoch_s(first["created"]).astype(np.int64)
    return pd.DataFrame(
        {
            "id": _object_ids(ctx.seed, "intercom:lead", account_idx, created),
            "role": "lead",
            "external_id": np.full(len(first), None, dtype=object),
            "email": first["email"].to_numpy(),
            "name": np.full(len(first), None, dtype=object),
            "created": created,
            "signed_up": np.full(len(first), None, dtype=object),
            "last_seen": np.full(len(first), None, dtype=object),
            "person_id": np.full(len(first), None, dtype=object),
            "account_id": first["account_id"].to_numpy(),
            "company": np.full(len(first), None, dtype=object),
            "plan": np.full(len(first), None, dtype=object),
            "app_role": np.full(len(first), None, dtype=object),
            "country": np.full(len(first), None, dtype=object),
        }
    )


def _with_activity(contacts: pd.DataFrame, conversations: pd.DataFrame) -> pd.DataFrame:
    """A contact's last message and its last update, which its conversations move on."""
    last_replied = conversations.groupby("contact_row")["created"].max()
    replied = last_replied.reindex(np.arange(len(contacts))).to_numpy(dtype=float)
    updated = np.nanmax(
        np.vstack([contacts["created"].to_numpy(dtype=float),
                   contacts["last_seen"].to_numpy(dtype=float), replied]),
        axis=0,
    ).astype(np.int64)
    return contacts.assign(last_replied=replied, updated=updated)


def _list_page(
    ctx: ExportContext, name: str, number: int, total_pages: int, total: int, last: bool
) -> dict:
    next_page = None if last else {"page": number + 1, "per_page": PAGE_SIZE,
                                   "starting_after": _cursor(ctx, name, number)}
    page = {"type": "pages", "page": number, "per_page": PAGE_SIZE,
            "total_pages": total_pages}
    if next_page:
        page["next"] = next_page
    return {"total_count": total, "pages": page}


def _write_pages(ctx: ExportContext, name: str, items: list[dict], list_type: str,
                 key: str) -> None:
    total_pages = max(1, -(-len(items) // PAGE_SIZE))
    for number, page, last in pages(items, PAGE_SIZE):
        document = {"type": list_type, key: list(page)}
        document.update(_list_page(ctx, name, number, total_pages, len(items), last))
        write_json(ctx.path(name, f"{name}_{ctx.chunk:04d}_{number:04d}.json"), document)


_EMPTY_PROFILES = {"type": "list", "data": []}
_NO_TAGS = {"type": "tag.list", "tags": []}
_NO_SEGMENTS = {"type": "segment.list", "segments": []}
_NO_LINKED_OBJECTS = {"type": "list", "data": [], "total_count": 0, "has_more": False}


def _write_contacts(ctx: ExportContext, contacts: pd.DataFrame, app_id: str) -> None:
    contacts = contacts.sort_values("created", kind="stable")
    objects = []
    columns = ("id", "role", "external_id", "email", "name", "created", "signed_up",
               "last_seen", "last_replied", "updated", "company", "plan", "app_role", "country")
    for cid, role, ext, mail, name, created, signed, seen, replied, updated, company, plan, \
            app_role, country in zip(*plain_columns(contacts, columns)):
        linked = [] if company is None else [
            {"type": "company", "id": company, "url": f"/companies/{company}"}
        ]
        objects.append(
            {
                "type": "contact",
                "id": cid,
                "workspace_id": app_id,
                "external_id": ext,
                "role": role,
                "email": mail,
                "email_domain": mail.partition("@")[2],
                "phone": None,
                "name": name,
                "avatar": None,
                "owner_id": None,
                "social_profiles": _EMPTY_PROFILES,
                "has_hard_bounced": False,
                "marked_email_as_spam": False,
                "unsubscribed_from_emails": False,
                "created_at": created,
                "updated_at": updated,
                "signed_up_at": signed,
                "last_seen_at": seen,
                "last_replied_at": replied,
                "last_contacted_at": None,
                "last_email_opened_at": None,
                "last_email_clicked_at": None,
                "language_override": None,
                "browser": "chrome" if role == "user" else None,
                "browser_language": "en" if role == "user" else None,
                "os": "OS X" if role == "user" else None,
                "location": {"type": "location", "country": country, "region": None,
                             "city": None},
                "custom_attributes": {} if plan is None else {"plan": plan,
                                                              "app_role": app_role},
                "tags": {"type": "list", "data": [], "url": f"/contacts/{cid}/tags",
                         "total_count": 0, "has_more": False},
                "notes": {"type": "list", "data": [], "url": f"/contacts/{cid}/notes",
                          "total_count": 0, "has_more": False},
                "companies": {"type": "list", "data": linked,
                              "url": f"/contacts/{cid}/companies",
                              "total_count": len(linked), "has_more": False},
            }
        )
    _write_pages(ctx, "contacts", objects, "list", "data")


def _write_companies(ctx: ExportContext, companies: pd.DataFrame, app_id: str,
                     consumer: bool) -> None:
    objects = []
    if not consumer:
        columns = ("id", "company_id", "name", "created", "plan", "size", "website",
                   "industry", "monthly_spend", "user_count", "last_request")
        for cid, company_id, name, created, plan, size, site, industry, spend, users, \
                request in zip(*plain_columns(companies, columns)):
            objects.append(
                {
                    "type": "company",
                    "id": cid,
                    "name": name,
                    "app_id": app_id,
                    "company_id": company_id,
                    "remote_created_at": created,
                    "created_at": created,
                    "updated_at": created if request is None else request,
                    "last_request_at": request,
                    "size": size,
                    "website": site,
                    "industry": industry,
                    "monthly_spend": spend,
                    "session_count": 0,
                    "user_count": users,
                    "plan": {"type": "plan", "id": f"plan_{plan}", "name": plan},
                    "custom_attributes": {},
                    "tags": _NO_TAGS,
                    "segments": _NO_SEGMENTS,
                }
            )
    _write_pages(ctx, "companies", objects, "list", "data")


# --- conversations --------------------------------------------------------------------------


def _conversations(
    world: WorldChunk, ctx: ExportContext, users: pd.DataFrame, leads: pd.DataFrame
) -> pd.DataFrame:
    """Per ticket: its contact, its times and its statistics, as plain columns."""
    tickets = world.tickets
    seed = ctx.seed
    key = ticket_keys(world)
    role = tickets["from_role_address"].to_numpy(dtype=bool)

    lead_row = pd.Series(np.arange(len(leads)) + len(users), index=leads["account_id"])
    contact_row = np.where(
        role, lead_row.reindex(tickets["account_id"]).fillna(-1).to_numpy(dtype=np.int64),
        tickets["person_row"].to_numpy(),
    )

    created = epoch_s(tickets["created_at"]).astype(np.int64)
    solved = tickets["solved_at"].notna().to_numpy()
    solved_s = np.where(solved, epoch_s(tickets["solved_at"]), 0).astype(np.int64)
    duration = np.where(solved, solved_s - created, 0)
    draw = _uniform(seed, "intercom:reply", key)
    reply = np.where(solved, np.maximum(30, (duration * (0.05 + 0.35 * draw)).astype(np.int64)),
                     (600 + draw * 7200).astype(np.int64))
    replied = solved | (created + reply <= LAST_SECOND)

    reopened = solved & (duration >= 600) & share(seed, "intercom:reopen", key, REOPEN_SHARE)
    first_close = np.where(reopened, created + duration // 2, solved_s)

    satisfaction = tickets["satisfaction"].to_numpy(dtype=object)
    rated = solved & pd.notna(satisfaction)
    good = satisfaction == "good"
    rate_draw = _uniform(seed, "intercom:rating", key)
    rating = np.where(good, np.where(rate_draw < 0.7, 5, 4), np.where(rate_draw < 0.6, 1, 2))
    rated_at = np.maximum(solved_s, np.minimum(solved_s + 300 + (rate_draw * 3300)
                                               .astype(np.int64), LAST_SECOND))
    remark_pick = (rate_draw * 1000).astype(np.int64) % 3
    remark = np.where(
        share(seed, "intercom:remark", key, 0.4),
        np.where(good, np.array(GOOD_REMARKS, dtype=object)[remark_pick],
                 np.array(BAD_REMARKS, dtype=object)[remark_pick]),
        "",
    )
    updated = np.where(solved, np.where(rated, rated_at, solved_s),
                       np.where(replied, created + reply, created))

    channel = tickets["channel"].to_numpy()
    return pd.DataFrame(
        {
            "id": ids.numeric(seed, "intercom:conversation", key, 10**11, 10**12).astype(str),
            "source_id": ids.numeric(seed, "intercom:source", key, 10**8, 10**9).astype(str),
            "contact_row": contact_row,
            "created": created,
            "updated": updated,
            "solved": solved,
            "last_close": solved_s,
            "first_close": first_close,
            "reopens": reopened.astype(np.int64),
            "reply": np.where(replied, reply, -1),
            "admin": (ids.mix(seed, "intercom:assignee", key) % np.uint64(ADMINS))
            .astype(np.int64),
            "priority": np.where(tickets["priority"].isin(["urgent", "high"]),
                                 "priority", "not_priority"),
            "category": tickets["category"].to_numpy(),
            "subject": tickets["subject"].to_numpy(),
            "email": role | (channel == "email"),
            "rated": rated,
            "rating": rating,
            "remark": remark,
            "rated_at": rated_at,
        }
    )


_CONVERSATION_COLUMNS = (
    "id", "source_id", "contact_row", "created", "updated", "solved", "last_close",
    "first_close", "reopens", "reply", "admin", "priority", "category", "subject", "email",
    "rated", "rating", "remark", "rated_at",
)


def _write_conversations(
    ctx: ExportContext, conversations: pd.DataFrame, contacts: pd.DataFrame
) -> None:
    seed = ctx.seed
    admin_ids = ids.numeric(seed, "intercom:admin", np.arange(ADMINS), 10**6, 10**7).tolist()
    tag_ids = dict(zip(CATEGORIES, ids.numeric(seed, "intercom:tag", np.arange(len(CATEGORIES)),
                                                10**6, 10**7).astype(str)))
    contact_id, contact_ext, contact_email, contact_name, contact_role = plain_columns(
        contacts, ("id", "external_id", "email", "name", "role")
    )

    objects = []
    for cid, source_id, row, created, updated, solved, last_close, first_close, reopens, \
            reply, admin, priority, category, subject, by_email, rated, rating, remark, \
            rated_at in zip(*plain_columns(conversations, _CONVERSATION_COLUMNS)):
        admin_id = admin_ids[admin]
        reference = {"type": "contact", "id": contact_id[row], "external_id": contact_ext[row]}
        has_reply = reply >= 0
        reply_at = created + reply if has_reply else None
        admin_ref = {"type": "admin", "id": str(admin_id)}
        objects.append(
            {
                "type": "conversation",
                "id": cid,
                "title": None,
                "created_at": created,
                "updated_at": updated,
                "waiting_since": None if has_reply else created,
                "snoozed_until": None,
                "open": not solved,
                "state": "closed" if solved else "open",
                "read": True,
                "priority": priority,
                "admin_assignee_id": admin_id,
                "team_assignee_id": TEAM_ID,
                "tags": {"type": "tag.list", "tags": [
                    {"type": "tag", "id": tag_ids[category], "name": category}
                ]},
                "conversation_rating": {
                    "rating": rating,
                    "remark": remark,
                    "created_at": rated_at,
                    "contact": reference,
                    "teammate": admin_ref,
                } if rated else None,
                "source": {
                    "type": "email" if by_email else "conversation",
                    "id": source_id,
                    "delivered_as": "customer_initiated",
                    "subject": subject if by_email else "",
                    "body": f"<p>{subject}</p>",
                    "author": {
                        "type": contact_role[row],
                        "id": contact_id[row],
                        "name": contact_name[row],
                        "email": contact_email[row],
                    },
                    "attachments": [],
                    "url": None,
                    "redacted": False,
                },
                "contacts": {"type": "contact.list", "contacts": [reference]},
                "teammates": {"type": "admin.list",
                              "teammates": [admin_ref] if has_reply else []},
                "custom_attributes": {},
                "first_contact_reply": {
                    "created_at": created,
                    "type": "email" if by_email else "conversation",
                    "url": None,
                },
                "sla_applied": None,
                "statistics": {
                    "type": "conversation_statistics",
                    "time_to_assignment": 0,
                    "time_to_admin_reply": reply if has_reply else None,
                    "time_to_first_close": first_close - created if solved else None,
                    "time_to_last_close": last_close - created if solved else None,
                    "median_time_to_reply": reply if has_reply else None,
                    "first_contact_reply_at": created,
                    "first_assignment_at": created,
                    "first_admin_reply_at": reply_at,
                    "first_close_at": first_close if solved else None,
                    "last_assignment_at": created,
                    "last_assignment_admin_reply_at": reply_at,
                    "last_contact_reply_at": created,
                    "last_admin_reply_at": reply_at,
                    "last_close_at": last_close if solved else None,
                    "last_closed_by_id": str(admin_id) if solved else None,
                    "count_reopens": reopens,
                    "count_assignments": 1,
                    "count_conversation_parts": 1 + has_reply + solved + 2 * reopens,
                },
                "topics": {},
                "linked_objects": _NO_LINKED_OBJECTS,
                "ai_agent_participated": False,
                "ai_agent": None,
            }
        )
    _write_pages(ctx, "conversations", objects, "conversation.list", "conversations")
