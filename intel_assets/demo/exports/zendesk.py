"""Zendesk Support: tickets, users and organizations as the incremental exports page them.

Tickets are the time-based `GET /api/v2/incremental/tickets.json?include=metric_sets` stream
(`{"tickets", "next_page", "count", "end_time", "end_of_stream"}`), sorted by
`generated_timestamp`, each ticket carrying its side-loaded `metric_set` (that is where
`solved_at` and reply and resolution times live; the ticket itself has none). Users come from
the cursor-based `incremental/users/cursor.json` (`after_url`, `after_cursor`), organizations
from the time-based `incremental/organizations.json`. Pages hold 1,000 records, the API's own
limit; each chunk's files are a stream of their own.

Who is here and why: only people who filed a ticket are Zendesk users (end-users are created
when they first write in), plus one user per shared role address (`team@…`) that wrote for
its account, which has no external id. About half the people were signed in through the app
(SSO), so their `external_id` is the app's user id. Every account with a requester has one
organization whose `domain_names` is the company domain (domain mapping puts its users in it),
and about 70% carry the workspace id as `external_id`, where an admin synced them from the
app; consumer companies have no organizations. Role-address tickets come in by email.

The stream repeats about 0.5% of tickets: an earlier version (open, first reply just given)
on an earlier position and the final one later with a newer `generated_timestamp`, as the
export's at-least-once behaviour produces; staging keeps the latest per id. Solved tickets
older than four days are `closed`, as Zendesk's default automation closes them, and only
solved tickets carry a `good`/`bad` rating (the survey goes out on solve; a still-open ticket
is `unoffered` whatever the world says). Ids are integers spread per record rather than
sequential, since chunks are generated independently; business-hours minutes are a fixed
share of calendar minutes, not a business-hours calendar.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from intel_assets.demo import ids
from intel_assets.demo.exports.base import ExportContext, identity_rows
from intel_assets.demo.exports.formats import epoch_s, iso_z, pages, write_json
from intel_assets.demo.exports.intercom import plain_columns, ticket_keys
from intel_assets.demo.identities import email_variant, share
from intel_assets.demo.world import EPOCH_END, WorldChunk

PAGE_SIZE = 1_000
SUBDOMAIN = "northwind-analytics"
BASE_URL = f"https://{SUBDOMAIN}.zendesk.com/api/v2"
RECIPIENT = f"support@{SUBDOMAIN}.zendesk.com"
EXTERNAL_ID_SHARE = 0.5
ORG_EXTERNAL_ID_SHARE = 0.7
REPEAT_SHARE = 0.005
REOPEN_SHARE = 0.04
AUTO_CLOSE_S = 4 * 86_400
BUSINESS_SHARE = 0.35
AGENTS = 8
GROUP_ID = 360_004_417_791
BRAND_ID = 360_002_118_552
FORM_ID = 360_000_941_451
ROLE_POSITION = 63  # person_idx slot of an account's role-address user (positions stop at 30)
# The export withholds the last minute, so nothing is stamped later than this.
LAST_SECOND = int(epoch_s([EPOCH_END])[0]) - 61
TYPES = {"how_to": "question", "bug": "incident", "billing": "question",
         "onboarding": "task", "feature_request": "question"}
OPEN_STATUSES = ("open", "pending", "hold")
GOOD_COMMENTS = ("Sorted fast", "Thanks, very helpful", None)
BAD_COMMENTS = ("Took days to hear back", "Problem not solved", None)


def export(world: WorldChunk, ctx: ExportContext) -> pd.DataFrame:
    users = _users(world, ctx)
    organizations = _organizations(world, ctx, users)
    org_of = dict(zip(*plain_columns(organizations, ("account_id", "id"))))
    users["organization_id"] = np.array(
        [org_of.get(a) for a in users["account_id"].to_numpy(dtype=object)], dtype=object
    )
    tickets = _tickets(world, ctx, users)

    _write_organizations(ctx, organizations)
    _write_users(ctx, users)
    _write_tickets(ctx, tickets, users)

    user_ids, emails, externals, people, accounts = (
        users[c].to_numpy(dtype=object)
        for c in ("id", "email", "external_id", "person_id", "account_id")
    )
    org_ids, domains, org_externals, org_accounts = (
        organizations[c].to_numpy(dtype=object)
        for c in ("id", "domain", "external_id", "account_id")
    )
    return pd.concat(
        [
            identity_rows(ctx, "requester_id", user_ids, people, accounts),
            identity_rows(ctx, "email", emails, people, accounts),
            identity_rows(ctx, "user_id", externals, people, accounts),
            identity_rows(ctx, "organization_id", org_ids, None, org_accounts),
            identity_rows(ctx, "domain", domains, None, org_accounts),
            identity_rows(ctx, "workspace_id", org_externals, None, org_accounts),
        ],
        ignore_index=True,
    )


# --- draws and ids --------------------------------------------------------------------------


def _uniform(seed: int, namespace: str, index: np.ndarray) -> np.ndarray:
    return (ids.mix(seed, namespace, index) >> np.uint64(11)).astype(np.float64) / 2.0**53


def _user_ids(seed: int, index: np.ndarray) -> np.ndarray:
    return ids.numeric(seed, "zendesk:user", index, 10**12, 10**13)


def _cursor(ctx: ExportContext, number: int) -> str:
    index = np.array([ctx.chunk * 100_000 + number])
    return str(ids.base62(ctx.seed, "zendesk:users:cursor", index, 24)[0])


# --- users and organizations ----------------------------------------------------------------


def _users(world: WorldChunk, ctx: ExportContext) -> pd.DataFrame:
    """People who filed a ticket in their own name, then one user per role address."""
    seed = ctx.seed
    tickets = world.tickets
    people = world.people
    role = tickets["from_role_address"].to_numpy(dtype=bool)

    own = tickets[~role].groupby("person_row")["created_at"].agg(["min", "max"])
    rows = own.index.to_numpy()
    filers = people.iloc[rows]
    person_idx = filers["person_idx"].to_numpy()
    linked = share(seed, "zendesk:external_id", person_idx, EXTERNAL_ID_SHARE)
    person_users = pd.DataFrame(
        {
            "id": _user_ids(seed, person_idx),
            "email": email_variant(filers, seed=seed, tool=ctx.tool),
            "name": (filers["first_name"] + " " + filers["last_name"]).to_numpy(),
            "external_id": np.where(linked, filers["user_id"].to_numpy(), None),
            "created": own["min"].to_numpy(),
            "updated": own["max"].to_numpy(),
            "person_row": rows,
            "person_id": filers["person_id"].to_numpy(),
            "account_id": filers["account_id"].to_numpy(),
        }
    )

    shared = tickets[role].groupby("account_id", sort=True).agg(
        email=("requester_email", "first"), created=("created_at", "min"),
        updated=("created_at", "max"),
    ).reset_index()
    account_idx = world.accounts.set_index("account_id")["account_idx"] \
        .reindex(shared["account_id"]).to_numpy()
    local = np.array([mail.partition("@")[0].title() for mail in shared["email"]], dtype=object)
    role_users = pd.DataFrame(
        {
            "id": _user_ids(seed, account_idx * 64 + ROLE_POSITION),
            "email": shared["email"].to_numpy(),
            "name": local,
            "external_id": np.full(len(shared), None, dtype=object),
            "created": shared["created"].to_numpy(),
            "updated": shared["updated"].to_numpy(),
            "person_row": -1,
            "person_id": np.full(len(shared), None, dtype=object),
            "account_id": shared["account_id"].to_numpy(),
        }
    )
    users = pd.concat([person_users, role_users], ignore_index=True)
    users["id"] = users["id"].astype(np.int64)
    return users.sort_values(["updated", "id"], kind="stable").reset_index(drop=True)


def _organizations(world: WorldChunk, ctx: ExportContext, users: pd.DataFrame) -> pd.DataFrame:
    columns = ["id", "account_id", "name", "domain", "external_id", "created", "updated"]
    if ctx.company.config.consumer:
        return pd.DataFrame(columns=columns)
    seed = ctx.seed
    spans = users.groupby("account_id")[["created", "updated"]].agg(
        {"created": "min", "updated": "max"}
    )
    accounts = world.accounts.set_index("account_id").loc[spans.index]
    account_idx = accounts["account_idx"].to_numpy()
    synced = share(seed, "zendesk:org_external_id", account_idx, ORG_EXTERNAL_ID_SHARE)
    created = np.where(synced, accounts["signup_at"].to_numpy(), spans["created"].to_numpy())
    return pd.DataFrame(
        {
            "id": ids.numeric(seed, "zendesk:organization", account_idx, 10**11, 10**12),
            "account_id": spans.index.to_numpy(),
            "name": accounts["name"].to_numpy(),
            "domain": accounts["domain"].to_numpy(),
            "external_id": np.where(synced, accounts["workspace_id"].to_numpy(), None),
            "created": created.astype("datetime64[s]"),
            "updated": spans["updated"].to_numpy(),
        },
        columns=columns,
    ).sort_values(["updated", "id"], kind="stable").reset_index(drop=True)


def _write_organizations(ctx: ExportContext, organizations: pd.DataFrame) -> None:
    created = iso_z(organizations["created"], millis=False)
    updated = iso_z(organizations["updated"], millis=False)
    stamps = epoch_s(organizations["updated"])
    organizations = organizations.assign(created_iso=created, updated_iso=updated)
    columns = ("id", "name", "external_id", "created_iso", "updated_iso", "domain")
    objects = [
        {
            "id": oid,
            "url": f"{BASE_URL}/organizations/{oid}.json",
            "name": name,
            "shared_tickets": False,
            "shared_comments": False,
            "external_id": external,
            "created_at": made,
            "updated_at": changed,
            "domain_names": [domain],
            "details": "",
            "notes": "",
            "group_id": None,
            "tags": [],
            "organization_fields": {},
        }
        for oid, name, external, made, changed, domain in zip(
            *plain_columns(organizations, columns)
        )
    ]
    _write_time_pages(ctx, "organizations", objects, stamps)


def _write_time_pages(ctx: ExportContext, name: str, objects: list[dict],
                      stamps: np.ndarray, query: str = "") -> None:
    """Time-based incremental pages: each names the start time of the next one."""
    start = 0
    for number, page, last in pages(objects, PAGE_SIZE):
        first = (number - 1) * PAGE_SIZE
        end_time = int(stamps[first + len(page) - 1]) if len(page) else start
        write_json(
            ctx.path(name, f"{name}_{ctx.chunk:04d}_{number:04d}.json"),
            {
                name: list(page),
                "next_page": f"{BASE_URL}/incremental/{name}.json?{query}start_time={end_time}",
                "count": len(page),
                "end_time": end_time,
                "end_of_stream": last,
            },
        )
        start = end_time


def _write_users(ctx: ExportContext, users: pd.DataFrame) -> None:
    created = iso_z(users["created"], millis=False)
    updated = iso_z(users["updated"], millis=False)
    objects = []
    users = users.assign(created_iso=created, updated_iso=updated)
    columns = ("id", "email", "name", "external_id", "created_iso", "updated_iso",
               "organization_id")
    for uid, mail, name, external, made, changed, org in zip(*plain_columns(users, columns)):
        objects.append(
            {
                "id": uid,
                "url": f"{BASE_URL}/users/{uid}.json",
                "name": name,
                "email": mail,
                "created_at": made,
                "updated_at": changed,
                "time_zone": "UTC",
                "iana_time_zone": "Etc/UTC",
                "phone": None,
                "shared_phone_number": None,
                "photo": None,
                "locale_id": 1,
                "locale": "en-US",
                "organization_id": org,
                "role": "end-user",
                "verified": True,
                "external_id": external,
                "tags": _NOTHING,
                "alias": None,
                "active": True,
                "shared": False,
                "shared_agent": False,
                "last_login_at": changed if external is not None else None,
                "two_factor_auth_enabled": None,
                "signature": None,
                "details": "",
                "notes": "",
                "role_type": None,
                "custom_role_id": None,
                "moderator": False,
                "ticket_restriction": "requested",
                "only_private_comments": False,
                "restricted_agent": True,
                "suspended": False,
                "default_group_id": None,
                "report_csv": False,
                "user_fields": _NO_FIELDS,
            }
        )
    for number, page, last in pages(objects, PAGE_SIZE):
        cursor = _cursor(ctx, number)
        write_json(
            ctx.path("users", f"users_{ctx.chunk:04d}_{number:04d}.json"),
            {
                "users": list(page),
                "after_url": f"{BASE_URL}/incremental/users/cursor.json?cursor={cursor}",
                "after_cursor": cursor,
                "before_url": None,
                "before_cursor": None,
                "end_of_stream": last,
            },
        )


# --- tickets --------------------------------------------------------------------------------


def _tickets(world: WorldChunk, ctx: ExportContext, users: pd.DataFrame) -> pd.DataFrame:
    """One row per ticket version in the stream: every ticket's final version, plus an
    earlier one for the few the export repeats."""
    tickets = world.tickets
    seed = ctx.seed
    key = ticket_keys(world)
    role = tickets["from_role_address"].to_numpy(dtype=bool)

    person_user = pd.Series(
        users["id"].to_numpy(), index=users["person_row"].to_numpy()
    )
    person_user = person_user[person_user.index >= 0]
    role_user = users[users["person_id"].isna()].set_index("account_id")["id"]
    requester = np.where(
        role,
        role_user.reindex(tickets["account_id"]).fillna(-1).to_numpy(dtype=np.int64),
        person_user.reindex(tickets["person_row"]).fillna(-1).to_numpy(dtype=np.int64),
    )

    created = epoch_s(tickets["created_at"]).astype(np.int64)
    solved = tickets["solved_at"].notna().to_numpy()
    solved_s = np.where(solved, epoch_s(tickets["solved_at"]), 0).astype(np.int64)
    duration = solved_s - created
    draw = _uniform(seed, "zendesk:reply", key)
    reply = np.where(solved, np.maximum(60, (duration * (0.05 + 0.35 * draw)).astype(np.int64)),
                     (600 + draw * 7200).astype(np.int64))
    replied = solved | (created + reply <= LAST_SECOND)
    reopened = solved & (duration >= 600) & share(seed, "zendesk:reopen", key, REOPEN_SHARE)
    first_resolution = np.where(reopened, duration // 2, duration)

    satisfaction = tickets["satisfaction"].to_numpy(dtype=object)
    rated = solved & pd.notna(satisfaction)
    rate_draw = _uniform(seed, "zendesk:rating", key)
    rated_at = np.maximum(solved_s, np.minimum(solved_s + 600 + (rate_draw * 7200)
                                               .astype(np.int64), LAST_SECOND))
    closed = solved & (solved_s + AUTO_CLOSE_S <= LAST_SECOND)
    solved_updated = np.where(rated, rated_at, solved_s)
    updated = np.where(closed, solved_s + AUTO_CLOSE_S,
                       np.where(solved, solved_updated,
                                np.where(replied, created + reply, created)))
    open_pick = (ids.mix(seed, "zendesk:open_status", key) % np.uint64(len(OPEN_STATUSES)))
    status = np.where(closed, "closed", np.where(solved, "solved", np.where(
        replied, np.array(OPEN_STATUSES)[open_pick.astype(np.int64)], "new")))

    channel = np.where(role, "email", tickets["channel"].to_numpy())
    comment_pick = (rate_draw * 1000).astype(np.int64) % 3
    comment = np.where(satisfaction == "good", np.array(GOOD_COMMENTS, dtype=object)[comment_pick],
                       np.array(BAD_COMMENTS, dtype=object)[comment_pick])
    final = pd.DataFrame(
        {
            "id": ids.numeric(seed, "zendesk:ticket", key, 10**5, 10**12),
            "metric_id": ids.numeric(seed, "zendesk:metric", key, 10**11, 10**12),
            "rating_id": ids.numeric(seed, "zendesk:rating", key, 10**11, 10**12),
            "requester_id": requester,
            "account_id": tickets["account_id"].to_numpy(),
            "assignee": (ids.mix(seed, "zendesk:assignee", key) % np.uint64(AGENTS))
            .astype(np.int64),
            "subject": tickets["subject"].to_numpy(),
            "category": tickets["category"].to_numpy(),
            "priority": tickets["priority"].to_numpy(),
            "status": status,
            "channel": channel,
            "score": np.where(rated, satisfaction, "unoffered"),
            "comment": np.where(rated, comment, None),
            "created": created,
            "updated": updated,
            "solved_at": np.where(solved, solved_s, -1),
            "reply": np.where(replied, reply, -1),
            "first_resolution": np.where(solved, first_resolution, -1),
            "full_resolution": np.where(solved, duration, -1),
            "reopens": reopened.astype(np.int64),
        }
    )

    repeated = solved & share(seed, "zendesk:repeat", key, REPEAT_SHARE)
    earlier = final[repeated].copy()
    earlier["status"] = "open"
    earlier["updated"] = earlier["created"] + earlier["reply"]
    earlier["score"] = "unoffered"
    earlier["comment"] = None
    earlier["solved_at"] = -1
    earlier["first_resolution"] = -1
    earlier["full_resolution"] = -1
    earlier["reopens"] = 0
    stream = pd.concat([final, earlier], ignore_index=True)
    return stream.sort_values(["updated", "id"], kind="stable").reset_index(drop=True)


_TICKET_COLUMNS = (
    "id", "metric_id", "rating_id", "requester_id", "assignee", "subject",
    "category", "priority", "status", "channel", "score", "comment", "updated", "reply",
    "first_resolution", "full_resolution", "reopens",
)


def _minutes(seconds: int) -> dict[str, int | None]:
    if seconds < 0:
        return {"calendar": None, "business": None}
    calendar = -(-seconds // 60)
    return {"calendar": calendar, "business": int(calendar * BUSINESS_SHARE)}


# Constant parts of records, shared between them (they are only serialised, never changed).
_NOTHING: list = []
_NO_FIELDS: dict = {}
_NO_SOURCE = {"from": {}, "to": {}, "rel": None}
_NO_MINUTES = {"calendar": 0, "business": 0}


def _write_tickets(ctx: ExportContext, tickets: pd.DataFrame, users: pd.DataFrame) -> None:
    seed = ctx.seed
    agents = ids.numeric(seed, "zendesk:agent", np.arange(AGENTS), 10**12, 10**13).tolist()
    user_ids, emails, names, orgs = plain_columns(
        users, ("id", "email", "name", "organization_id")
    )
    user_email = dict(zip(user_ids, emails))
    user_name = dict(zip(user_ids, names))
    user_org = dict(zip(user_ids, orgs))
    created_iso = iso_z(pd.to_datetime(tickets["created"], unit="s"), millis=False)
    updated_iso = iso_z(pd.to_datetime(tickets["updated"], unit="s"), millis=False)
    solved_iso = iso_z(pd.to_datetime(tickets["solved_at"].where(tickets["solved_at"] >= 0),
                                      unit="s"), millis=False)
    reply_iso = iso_z(pd.to_datetime((tickets["created"] + tickets["reply"])
                                     .where(tickets["reply"] >= 0), unit="s"), millis=False)

    created_iso, updated_iso, solved_iso, reply_iso = (
        v.tolist() for v in (created_iso, updated_iso, solved_iso, reply_iso)
    )
    objects = []
    for i, (tid, metric_id, rating_id, requester, assignee, subject, category,
            priority, status, channel, score, comment, updated, reply, first_resolution,
            full_resolution, reopens) in enumerate(
                zip(*plain_columns(tickets, _TICKET_COLUMNS))):
        agent = agents[assignee]
        replied = reply >= 0
        via: dict = {"channel": channel, "source": _NO_SOURCE}
        if channel == "email":
            via["source"] = {
                "from": {"address": user_email[requester], "name": user_name[requester]},
                "to": {"address": RECIPIENT, "name": "Support"},
                "rel": None,
            }
        rating: dict = {"score": score}
        if score in ("good", "bad"):
            rating = {"id": rating_id, "score": score, "comment": comment,
                      "reason": None, "reason_id": None}
        objects.append(
            {
                "url": f"{BASE_URL}/tickets/{tid}.json",
                "id": tid,
                "external_id": None,
                "via": via,
                "created_at": created_iso[i],
                "updated_at": updated_iso[i],
                "generated_timestamp": updated,
                "type": TYPES[category],
                "subject": subject,
                "raw_subject": subject,
                "description": f"{subject}\n\nThanks for your help.",
                "priority": priority,
                "status": status,
                "recipient": RECIPIENT if channel == "email" else None,
                "requester_id": requester,
                "submitter_id": requester,
                "assignee_id": agent if replied else None,
                "organization_id": user_org.get(requester),
                "group_id": GROUP_ID,
                "collaborator_ids": _NOTHING,
                "follower_ids": _NOTHING,
                "email_cc_ids": _NOTHING,
                "forum_topic_id": None,
                "problem_id": None,
                "has_incidents": False,
                "is_public": True,
                "due_at": None,
                "tags": [category],
                "custom_fields": _NOTHING,
                "satisfaction_rating": rating,
                "sharing_agreement_ids": _NOTHING,
                "custom_status_id": None,
                "fields": _NOTHING,
                "followup_ids": _NOTHING,
                "ticket_form_id": FORM_ID,
                "brand_id": BRAND_ID,
                "allow_channelback": False,
                "allow_attachments": True,
                "from_messaging_channel": channel == "chat",
                "metric_set": {
                    "url": f"{BASE_URL}/ticket_metrics/{metric_id}.json",
                    "id": metric_id,
                    "ticket_id": tid,
                    "created_at": created_iso[i],
                    "updated_at": updated_iso[i],
                    "group_stations": 1,
                    "assignee_stations": 1 if replied else 0,
                    "reopens": reopens,
                    "replies": replied + reopens,
                    "assignee_updated_at": reply_iso[i],
                    "requester_updated_at": created_iso[i],
                    "status_updated_at": updated_iso[i],
                    "initially_assigned_at": reply_iso[i],
                    "assigned_at": reply_iso[i],
                    "solved_at": solved_iso[i],
                    "latest_comment_added_at": reply_iso[i] or created_iso[i],
                    "reply_time_in_minutes": _minutes(reply),
                    "first_resolution_time_in_minutes": _minutes(first_resolution),
                    "full_resolution_time_in_minutes": _minutes(full_resolution),
                    "agent_wait_time_in_minutes": _minutes(reply),
                    "requester_wait_time_in_minutes": _minutes(
                        full_resolution - reply if full_resolution >= 0 else -1
                    ),
                    "on_hold_time_in_minutes": _NO_MINUTES,
                },
            }
        )
    stamps = tickets["updated"].to_numpy()
    _write_time_pages(ctx, "tickets", objects, stamps, query="include=metric_sets&")
