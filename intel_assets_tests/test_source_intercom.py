"""Intercom list pages parse into contacts, companies and conversations that agree with the
world they were exported from and with the answer key."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from intel_assets.sources.loader import QUARANTINE, load_object
from intel_assets.sources.tools.intercom import CONTACTS, CONVERSATIONS
from intel_assets_tests.conftest import SEEDS, small_world

HEX24 = re.compile(r"^[0-9a-f]{24}$")


def _key(result, kind: str) -> pd.DataFrame:
    rows = result.identities[result.identities["kind"] == kind]
    return rows.set_index("identifier")


def _epoch(times: pd.Series) -> np.ndarray:
    return times.astype("datetime64[s]").astype("int64").to_numpy()


@pytest.mark.parametrize("seed", SEEDS)
def test_every_app_user_is_a_contact_and_every_role_address_one_lead(exported, seed):
    result = exported("intercom", seed)
    world = small_world(seed).world

    contacts = result.table("intercom_contacts")
    role_accounts = world.tickets.loc[world.tickets["from_role_address"], "account_id"]
    users = contacts[contacts["role"] == "user"]
    leads = contacts[contacts["role"] == "lead"]
    assert len(users) == len(world.people)
    assert len(leads) == role_accounts.nunique()
    assert contacts["id"].str.match(HEX24).all()
    assert contacts["id"].is_unique
    assert leads["external_id"].isna().all()
    assert set(leads["email"]) == set(world.tickets.loc[world.tickets["from_role_address"],
                                                        "requester_email"])
    for name in ("contacts", "companies", "conversations"):
        assert result.reports[name].rows_quarantined == 0
        assert not result.reports[name].unreadable


@pytest.mark.parametrize("seed", SEEDS)
def test_about_nine_in_ten_users_carry_their_app_user_id(exported, seed):
    result = exported("intercom", seed)
    world = small_world(seed).world

    users = result.table("intercom_contacts").query("role == 'user'")
    share = users["external_id"].notna().mean()
    assert 0.83 < share < 0.96
    known = set(world.people["user_id"])
    assert users["external_id"].dropna().isin(known).all()

    person = _key(result, "tool_user_id")["person_id"]
    truth = world.people.set_index("person_id")["user_id"]
    linked = users.dropna(subset=["external_id"])
    assert (truth.reindex(person.reindex(linked["id"]).to_numpy()).to_numpy()
            == linked["external_id"].to_numpy()).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_personal_addresses_appear_only_beside_an_app_user_id(exported, seed):
    result = exported("intercom", seed)
    world = small_world(seed).world

    contacts = result.table("intercom_contacts")
    personal = contacts["email"].isin(set(world.people["personal_email"]))
    assert personal.any()
    assert contacts.loc[personal, "external_id"].notna().all()
    work = contacts["email"].str.lower().str.replace(r"\+intercom@", "@", regex=True)
    assert (personal | work.isin(set(world.people["email"])) | (contacts["role"] == "lead")).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_every_ticket_is_one_conversation_with_the_worlds_times(exported, seed):
    result = exported("intercom", seed)
    world = small_world(seed).world

    conversations = result.table("intercom_conversations")
    tickets = world.tickets
    assert len(conversations) == len(tickets)
    assert conversations["id"].is_unique
    assert conversations["id"].str.fullmatch(r"[1-9][0-9]{11}").all()

    merged = conversations.sort_values("created_at", kind="stable").reset_index(drop=True)
    ordered = tickets.sort_values("created_at", kind="stable").reset_index(drop=True)
    assert (_epoch(merged["created_at"]) == _epoch(ordered["created_at"])).all()
    assert sorted(_epoch(conversations["last_close_at"].dropna())) == sorted(
        _epoch(tickets["solved_at"].dropna())
    )
    closed = conversations["state"] == "closed"
    assert closed.sum() == (tickets["status"] == "solved").sum()
    assert conversations.loc[closed, "last_close_at"].notna().all()
    assert (conversations.loc[closed, "first_close_at"]
            <= conversations.loc[closed, "last_close_at"]).all()
    assert (conversations["first_tag_name"].value_counts().sort_index()
            == tickets["category"].value_counts().sort_index()).all()
    urgent = tickets["priority"].isin(["urgent", "high"]).sum()
    assert (conversations["priority"] == "priority").sum() == urgent


@pytest.mark.parametrize("seed", SEEDS)
def test_each_conversation_names_its_customer_as_the_answer_key_does(exported, seed):
    result = exported("intercom", seed)
    world = small_world(seed).world

    conversations = result.table("intercom_conversations")
    contacts = result.table("intercom_contacts").set_index("id")
    assert conversations["contact_id"].isin(contacts.index).all()
    assert (conversations["author_id"] == conversations["contact_id"]).all()
    assert (conversations["author_email"].to_numpy()
            == contacts.loc[conversations["contact_id"], "email"].to_numpy()).all()
    external = contacts.loc[conversations["contact_id"], "external_id"].to_numpy()
    assert (pd.isna(external) == conversations["contact_external_id"].isna().to_numpy()).all()

    key = _key(result, "tool_user_id")
    in_order = conversations.sort_values("created_at", kind="stable")
    person = key["person_id"].reindex(in_order["contact_id"]).to_numpy()
    account = key["account_id"].reindex(in_order["contact_id"]).to_numpy()
    tickets = world.tickets.sort_values("created_at", kind="stable")
    role = tickets["from_role_address"].to_numpy()
    assert pd.isna(person[role]).all()
    assert sorted(person[~role]) == sorted(tickets["person_id"].to_numpy()[~role])
    assert (account == tickets["account_id"].to_numpy()).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_role_address_conversations_come_from_a_lead_tied_only_to_the_account(exported, seed):
    result = exported("intercom", seed)
    world = small_world(seed).world

    conversations = result.table("intercom_conversations")
    by_lead = conversations[conversations["author_type"] == "lead"]
    assert len(by_lead) == int(world.tickets["from_role_address"].sum())
    assert (by_lead["source_type"] == "email").all()
    assert by_lead["contact_external_id"].isna().all()

    emails = _key(result, "email")
    roles = world.accounts.dropna(subset=["role_email"])
    written = emails.reindex(roles["role_email"]).dropna(subset=["account_id"])
    assert len(written) > 0
    assert written["person_id"].isna().all()
    truth = roles.set_index("role_email")["account_id"]
    assert (written["account_id"] == truth.reindex(written.index)).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_contacts_reach_their_workspace_through_the_companies_listing(exported, seed):
    result = exported("intercom", seed)
    world = small_world(seed).world

    companies = result.table("intercom_companies")
    users = result.table("intercom_contacts").query("role == 'user'")
    assert len(companies) == len(world.accounts)
    assert set(companies["company_id"]) == set(world.accounts["workspace_id"])
    assert companies["id"].str.match(HEX24).all()
    assert users["company_id"].isin(set(companies["id"])).all()

    workspace = users.merge(companies[["id", "company_id"]].rename(columns={"id": "cid"}),
                            left_on="company_id", right_on="cid")["company_id_y"]
    account_of = world.accounts.set_index("workspace_id")["account_id"]
    person = _key(result, "tool_user_id")["account_id"].reindex(users["id"]).to_numpy()
    assert (account_of.reindex(workspace).to_numpy() == person).all()
    assert set(_key(result, "workspace_id").index) == set(companies["company_id"])
    domains = _key(result, "domain")
    assert set(domains.index) == set(companies["website"].str.removeprefix("https://"))
    assert domains["person_id"].isna().all()


@pytest.mark.parametrize("seed", SEEDS)
def test_ratings_follow_satisfaction_and_only_closed_conversations_have_one(exported, seed):
    result = exported("intercom", seed)
    world = small_world(seed).world

    conversations = result.table("intercom_conversations")
    rated = conversations.dropna(subset=["rating"])
    assert (rated["state"] == "closed").all()
    assert rated["rating"].between(1, 5).all()
    assert (rated["rated_at"] >= rated["last_close_at"]).all()
    tickets = world.tickets[world.tickets["status"] == "solved"]
    assert (rated["rating"] >= 4).sum() == (tickets["satisfaction"] == "good").sum()
    assert (rated["rating"] <= 2).sum() == (tickets["satisfaction"] == "bad").sum()


@pytest.mark.parametrize("seed", SEEDS)
def test_contact_pages_chain_with_starting_after_until_the_last(exported, seed):
    result = exported("intercom", seed)

    files = sorted((result.folder / "contacts").glob("*.json"))
    documents = [json.loads(path.read_bytes()) for path in files]
    assert len(documents) > 1
    assert all(d["type"] == "list" for d in documents)
    assert sum(len(d["data"]) for d in documents) == documents[0]["total_count"]
    assert all(d["pages"]["next"]["starting_after"] for d in documents[:-1])
    assert "next" not in documents[-1]["pages"]
    assert [d["pages"]["page"] for d in documents] == list(range(1, len(documents) + 1))


def test_answer_key_names_every_identifier_written(exported):
    result = exported("intercom", SEEDS[0])
    contacts = result.table("intercom_contacts")

    assert set(_key(result, "tool_user_id").index) == set(contacts["id"])
    assert set(_key(result, "email").index) == set(contacts["email"])
    assert set(_key(result, "user_id").index) == set(contacts["external_id"].dropna())
    assert result.identities["account_id"].notna().all()


def test_consumer_contacts_have_no_companies(exported):
    result = exported("intercom", SEEDS[0], consumer=True)
    world = small_world(SEEDS[0], consumer=True).world

    contacts = result.table("intercom_contacts")
    assert len(result.table("intercom_companies")) == 0
    assert contacts["company_id"].isna().all()
    assert len(contacts) == len(world.people)
    assert len(result.table("intercom_conversations")) == len(world.tickets)


def test_malformed_contacts_are_quarantined_while_the_good_ones_load(tmp_path, warehouse):
    good = {"type": "contact", "id": "667d60bb8a68186f43bafdc5", "role": "user",
            "email": "dana.ortiz@northwind-labs.com", "created_at": 1717233011}
    page = {
        "type": "list",
        "total_count": 4,
        "pages": {"type": "pages", "page": 1, "per_page": 50, "total_pages": 1},
        "data": [
            good,
            {**good, "id": None},
            {**good, "id": "667d60bb8a68186f43bafdc6", "created_at": 1717233011000},
            {**good, "id": "667d60bb8a68186f43bafdc7", "email": {"value": "x@y.com"}},
        ],
    }
    folder = tmp_path / "intercom"
    (folder / "contacts").mkdir(parents=True)
    (folder / "contacts" / "contacts_bad.json").write_text(json.dumps(page))

    report = load_object(warehouse, CONTACTS, folder)
    assert report.rows_loaded == 1
    assert report.rows_quarantined == 3
    rows = warehouse.execute(
        f"SELECT row_number, field, reason FROM {QUARANTINE} ORDER BY row_number"
    ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [(2, "id"), (3, "created_at"), (4, "email")]
    assert "missing required field" in rows[0][2]
    assert "unparsable epoch_s: 1717233011000" in rows[1][2]
    assert "expected string, found object" in rows[2][2]


def test_a_conversation_page_that_is_not_json_is_reported_unreadable(tmp_path, warehouse):
    folder = tmp_path / "intercom"
    (folder / "conversations").mkdir(parents=True)
    (folder / "conversations" / "conversations_cut.json").write_text(
        '{"type":"conversation.list","conversations":[{"id":"1295"'
    )

    report = load_object(warehouse, CONVERSATIONS, folder)
    assert report.rows_loaded == 0
    assert len(report.unreadable) == 1
    assert "not valid JSON" in report.unreadable[0].reason
