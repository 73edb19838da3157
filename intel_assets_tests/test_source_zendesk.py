"""Zendesk incremental exports parse into tickets, users and organizations that agree with the
world they were exported from and with the answer key, repeats of the stream included."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from intel_assets.sources.loader import QUARANTINE, load_object
from intel_assets.sources.tools.zendesk import TICKETS, USERS
from intel_assets_tests.conftest import SEEDS, small_world

STATUS_OF_WORLD = {"solved": {"solved", "closed"}, "open": {"new", "open", "pending", "hold"}}


def _key(result, kind: str) -> pd.DataFrame:
    rows = result.identities[result.identities["kind"] == kind]
    return rows.set_index("identifier")


def _latest(tickets: pd.DataFrame) -> pd.DataFrame:
    """What staging does: the newest version of each ticket."""
    ordered = tickets.sort_values(["id", "generated_timestamp"], kind="stable")
    return ordered.drop_duplicates("id", keep="last")


def _epoch(times: pd.Series) -> np.ndarray:
    return times.astype("datetime64[s]").astype("int64").to_numpy()


def _in_world_order(
    latest: pd.DataFrame, world_tickets: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both ticket lists in creation order, so that time columns compare position by
    position (tickets created in the same second may swap, which times do not notice)."""
    mine = latest.sort_values(["created_at", "id"], kind="stable").reset_index(drop=True)
    theirs = world_tickets.sort_values("created_at", kind="stable").reset_index(drop=True)
    return mine, theirs


@pytest.mark.parametrize("seed", SEEDS)
def test_every_ticket_is_exported_once_at_least_and_parses_cleanly(exported, seed):
    result = exported("zendesk", seed)
    world = small_world(seed).world

    tickets = result.table("zendesk_tickets")
    assert tickets["id"].nunique() == len(world.tickets)
    assert tickets["id"].str.fullmatch(r"[1-9][0-9]{5,12}").all()
    repeats = len(tickets) - tickets["id"].nunique()
    assert repeats <= max(3, 0.02 * len(world.tickets))
    for name in ("tickets", "users", "organizations"):
        assert result.reports[name].rows_quarantined == 0
        assert not result.reports[name].unreadable


@pytest.mark.parametrize("seed", SEEDS)
def test_a_repeated_ticket_recurs_later_with_a_newer_generated_timestamp(exported, seed):
    result = exported("zendesk", seed)
    tickets = result.table("zendesk_tickets")

    repeated = tickets[tickets["id"].duplicated(keep=False)]
    assert len(repeated) > 0
    for _, versions in repeated.groupby("id"):
        ordered = versions.sort_values("_row_number")
        assert ordered["generated_timestamp"].is_monotonic_increasing
        assert ordered["generated_timestamp"].iloc[-1] > ordered["generated_timestamp"].iloc[0]
        assert ordered["status"].iloc[0] == "open"
        assert ordered["status"].iloc[-1] in ("solved", "closed")
        assert pd.isna(ordered["solved_at"].iloc[0])


@pytest.mark.parametrize("seed", SEEDS)
def test_latest_versions_carry_the_worlds_times_statuses_and_categories(exported, seed):
    result = exported("zendesk", seed)
    world = small_world(seed).world

    mine, theirs = _in_world_order(_latest(result.table("zendesk_tickets")), world.tickets)
    assert (_epoch(mine["created_at"]) == _epoch(theirs["created_at"])).all()
    assert sorted(_epoch(mine["solved_at"].dropna())) == sorted(
        _epoch(theirs["solved_at"].dropna())
    )
    assert (mine["generated_timestamp"] == mine["updated_at"]).all()
    for world_status, statuses in STATUS_OF_WORLD.items():
        assert mine["status"].isin(statuses).sum() == (theirs["status"] == world_status).sum()
    solved = mine["status"].isin(["solved", "closed"])
    assert mine.loc[solved, "solved_at"].notna().all()
    assert mine.loc[~solved, "solved_at"].isna().all()
    assert (mine["first_tag"].value_counts().sort_index()
            == theirs["category"].value_counts().sort_index()).all()
    assert (mine["priority"].value_counts().sort_index()
            == theirs["priority"].value_counts().sort_index()).all()
    minutes = (_epoch(mine.loc[solved, "solved_at"]) - _epoch(mine.loc[solved, "created_at"]))
    assert (mine.loc[solved, "full_resolution_calendar_minutes"].to_numpy()
            == -(-minutes // 60)).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_every_requester_id_resolves_to_a_user_of_the_right_person(exported, seed):
    result = exported("zendesk", seed)
    world = small_world(seed).world

    tickets = _latest(result.table("zendesk_tickets"))
    users = result.table("zendesk_users").set_index("id")
    assert users.index.is_unique
    assert tickets["requester_id"].isin(users.index).all()
    assert (tickets["organization_id"].to_numpy()
            == users.loc[tickets["requester_id"], "organization_id"].to_numpy()).all()

    key = _key(result, "requester_id")
    assert set(key.index) == set(users.index)
    own = world.tickets[~world.tickets["from_role_address"]]
    persons = key.loc[tickets["requester_id"], "person_id"].dropna()
    assert sorted(persons) == sorted(own["person_id"])
    filers = own["person_id"].nunique() + world.tickets.loc[
        world.tickets["from_role_address"], "account_id"].nunique()
    assert len(users) == filers


@pytest.mark.parametrize("seed", SEEDS)
def test_role_address_users_have_no_external_id_and_no_person(exported, seed):
    result = exported("zendesk", seed)
    world = small_world(seed).world

    users = result.table("zendesk_users")
    role_emails = set(world.accounts["role_email"].dropna())
    shared = users[users["email"].isin(role_emails)]
    written = world.tickets.loc[world.tickets["from_role_address"], "requester_email"]
    assert len(shared) == written.nunique() > 0
    assert shared["external_id"].isna().all()

    key = _key(result, "requester_id").loc[shared["id"]]
    assert key["person_id"].isna().all()
    assert key["account_id"].notna().all()
    emails = _key(result, "email").loc[shared["email"]]
    assert emails["person_id"].isna().all()

    tickets = _latest(result.table("zendesk_tickets"))
    by_role = tickets[tickets["requester_id"].isin(shared["id"])]
    assert len(by_role) == int(world.tickets["from_role_address"].sum())
    assert (by_role["via_channel"] == "email").all()
    assert by_role["via_from_address"].isin(role_emails).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_about_half_the_people_carry_their_app_user_id(exported, seed):
    result = exported("zendesk", seed)
    world = small_world(seed).world

    users = result.table("zendesk_users")
    people = users[users["external_id"].notna()]
    person = _key(result, "requester_id")["person_id"].reindex(users["id"])
    share = users["external_id"].notna().sum() / person.notna().sum()
    assert 0.38 < share < 0.62
    truth = world.people.set_index("person_id")["user_id"]
    owner = _key(result, "requester_id")["person_id"].reindex(people["id"]).to_numpy()
    assert (truth.reindex(owner).to_numpy() == people["external_id"].to_numpy()).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_email_tickets_name_the_requesters_address(exported, seed):
    result = exported("zendesk", seed)

    tickets = _latest(result.table("zendesk_tickets"))
    users = result.table("zendesk_users").set_index("id")
    by_email = tickets[tickets["via_channel"] == "email"]
    assert len(by_email) > 0
    assert (by_email["via_from_address"].to_numpy()
            == users.loc[by_email["requester_id"], "email"].to_numpy()).all()
    assert tickets.loc[tickets["via_channel"] != "email", "via_from_address"].isna().all()


@pytest.mark.parametrize("seed", SEEDS)
def test_one_organization_per_account_with_a_requester_mapped_by_domain(exported, seed):
    result = exported("zendesk", seed)
    world = small_world(seed).world

    organizations = result.table("zendesk_organizations")
    with_requester = world.tickets["account_id"].unique()
    assert len(organizations) == len(with_requester)
    domains = world.accounts.set_index("account_id")["domain"]
    assert set(organizations["domain"]) == set(domains.loc[with_requester])
    assert all(json.loads(d) == [x] for d, x in zip(organizations["domain_names"],
                                                      organizations["domain"]))

    key = _key(result, "domain")
    assert key.loc[organizations["domain"], "person_id"].isna().all()
    truth = domains.reset_index().set_index("domain")["account_id"]
    assert (key.loc[organizations["domain"], "account_id"].to_numpy()
            == truth.loc[organizations["domain"]].to_numpy()).all()
    synced = organizations["external_id"].dropna()
    assert synced.isin(set(world.accounts["workspace_id"])).all()
    assert 0.5 < len(synced) / len(organizations) < 0.9


@pytest.mark.parametrize("seed", SEEDS)
def test_satisfaction_follows_the_world_on_solved_tickets(exported, seed):
    result = exported("zendesk", seed)
    world = small_world(seed).world

    tickets = _latest(result.table("zendesk_tickets"))
    solved = world.tickets[world.tickets["status"] == "solved"]
    for score in ("good", "bad"):
        assert (tickets["satisfaction_score"] == score).sum() == (
            solved["satisfaction"] == score).sum()
    open_now = ~tickets["status"].isin(["solved", "closed"])
    assert (tickets.loc[open_now, "satisfaction_score"] == "unoffered").all()
    rated = tickets["satisfaction_score"].isin(["good", "bad"])
    assert tickets.loc[rated, "satisfaction_rating_id"].notna().all()


@pytest.mark.parametrize("seed", SEEDS)
def test_ticket_pages_chain_by_end_time_until_the_end_of_stream(exported, seed):
    result = exported("zendesk", seed)

    files = sorted((result.folder / "tickets").glob("*.json"))
    documents = [json.loads(path.read_bytes()) for path in files]
    assert [d["end_of_stream"] for d in documents] == [False] * (len(documents) - 1) + [True]
    for document in documents:
        assert document["count"] == len(document["tickets"])
        stamps = [t["generated_timestamp"] for t in document["tickets"]]
        assert stamps == sorted(stamps)
        assert document["end_time"] == stamps[-1]
        assert document["next_page"].endswith(f"start_time={document['end_time']}")
        assert "include=metric_sets" in document["next_page"]
        assert all("metric_set" in t for t in document["tickets"])


def test_answer_key_names_every_identifier_written(exported):
    result = exported("zendesk", SEEDS[0])
    users = result.table("zendesk_users")
    organizations = result.table("zendesk_organizations")

    assert set(_key(result, "email").index) == set(users["email"])
    assert set(_key(result, "user_id").index) == set(users["external_id"].dropna())
    assert set(_key(result, "organization_id").index) == set(organizations["id"])
    assert set(_key(result, "workspace_id").index) == set(organizations["external_id"].dropna())
    assert result.identities["account_id"].notna().all()


def test_consumer_companies_have_no_organizations(exported):
    result = exported("zendesk", SEEDS[0], consumer=True)
    world = small_world(SEEDS[0], consumer=True).world

    users = result.table("zendesk_users")
    assert len(result.table("zendesk_organizations")) == 0
    assert users["organization_id"].isna().all()
    assert result.table("zendesk_tickets")["id"].nunique() == len(world.tickets)


def test_malformed_tickets_are_quarantined_while_the_good_ones_load(tmp_path, warehouse):
    good = {"id": 35436, "subject": "Wrong seat count on invoice", "status": "solved",
            "requester_id": 20978392, "tags": ["billing"], "via": {"channel": "web"},
            "created_at": "2024-06-10T06:30:00Z", "updated_at": "2024-06-10T09:40:00Z",
            "generated_timestamp": 1718012400}
    page = {
        "tickets": [
            good,
            {**good, "id": 35437, "created_at": "yesterday"},
            {**{k: v for k, v in good.items() if k != "requester_id"}, "id": 35438},
            {**good, "id": 35439, "generated_timestamp": "soon"},
            {**good, "id": 35440, "status": ["solved"]},
        ],
        "next_page": "https://x.zendesk.com/api/v2/incremental/tickets.json?start_time=1718012400",
        "count": 5,
        "end_time": 1718012400,
        "end_of_stream": True,
    }
    folder = tmp_path / "zendesk"
    (folder / "tickets").mkdir(parents=True)
    (folder / "tickets" / "tickets_bad.json").write_text(json.dumps(page))

    report = load_object(warehouse, TICKETS, folder)
    assert report.rows_loaded == 1
    assert report.rows_quarantined == 4
    rows = warehouse.execute(
        f"SELECT row_number, field, reason FROM {QUARANTINE} ORDER BY row_number"
    ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [
        (2, "created_at"), (3, "requester_id"), (4, "generated_timestamp"), (5, "status")
    ]
    assert "unparsable timestamp: yesterday" in rows[0][2]
    assert "missing required field" in rows[1][2]
    assert "unparsable epoch_s: soon" in rows[2][2]
    assert "expected string, found array" in rows[3][2]
    loaded = warehouse.execute('SELECT id, created_at FROM raw."zendesk_tickets"').fetchall()
    assert loaded[0][0] == "35436"
    assert str(loaded[0][1]) == "2024-06-10 06:30:00"


def test_a_users_page_without_its_list_is_reported_unreadable(tmp_path, warehouse):
    folder = tmp_path / "zendesk"
    (folder / "users").mkdir(parents=True)
    (folder / "users" / "users_error.json").write_text(
        json.dumps({"error": "APIRateLimitExceeded", "description": "Too many requests"})
    )

    report = load_object(warehouse, USERS, folder)
    assert report.rows_loaded == 0
    assert len(report.unreadable) == 1
    assert "the envelope has no 'users'" in report.unreadable[0].reason
