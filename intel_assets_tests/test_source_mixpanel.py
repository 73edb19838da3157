"""Mixpanel's export lines and engage pages parse into events and profiles that agree with
the world: Simplified ID Merge ids, the signup's email and acquisition, the workspace on
every event, and at-least-once re-deliveries that staging can remove."""

from __future__ import annotations

import gzip

import orjson
import pandas as pd
import pytest

from intel_assets.demo.exports import mixpanel as exporter
from intel_assets.sources.loader import QUARANTINE, load_object
from intel_assets.sources.tools.mixpanel import EVENTS
from intel_assets_tests.conftest import SEEDS, small_world
from intel_assets_tests.product_helpers import (
    ExportCache,
    event_names,
    identifiers,
    raw_event_times,
    two_chunks,
    world_event_times,
)

DEDUPE_KEY = ["event", "distinct_id", "time", "insert_id"]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    cache = ExportCache(tmp_path_factory.mktemp("mixpanel"))
    yield lambda seed: cache("mixpanel", seed)
    cache.close()


def _events(result) -> pd.DataFrame:
    return result.table("mixpanel_events")


@pytest.mark.parametrize("seed", SEEDS)
def test_every_file_parses_without_a_quarantined_row(loaded, seed):
    result = loaded(seed)

    for report in result.reports.values():
        assert report.files_seen > 0
        assert not report.unreadable
        assert report.rows_quarantined == 0
    names = {f.path for f in result.reports["events"].loaded}
    assert all(name.endswith("_0000.jsonl.gz") for name in names)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_world_event_is_one_export_line_once_duplicates_are_removed(loaded, seed):
    events = _events(loaded(seed))
    world = small_world(seed).world

    deduplicated = events.drop_duplicates(DEDUPE_KEY)
    assert len(deduplicated) == len(world.product_events)
    assert deduplicated["insert_id"].is_unique
    assert deduplicated["insert_id"].str.fullmatch(r"[0-9a-z]{16}").all()
    repeated = (len(events) - len(deduplicated)) / len(deduplicated)
    assert 0.002 < repeated < 0.01


@pytest.mark.parametrize("seed", SEEDS)
def test_a_redelivered_line_repeats_its_event_and_only_its_processing_time_differs(
    loaded, seed
):
    events = _events(loaded(seed))

    repeats = events[events.duplicated("insert_id", keep=False)]
    assert len(repeats) > 0
    for _, pair in repeats.groupby("insert_id"):
        assert len(pair) == 2
        first, second = (orjson.loads(p) for p in pair["properties"])
        assert first.pop("mp_processing_time_ms") != second.pop("mp_processing_time_ms")
        assert first == second
        assert pair["event"].nunique() == 1


@pytest.mark.parametrize("seed", SEEDS)
def test_event_names_and_times_round_trip_to_the_world(loaded, seed):
    events = _events(loaded(seed)).drop_duplicates(DEDUPE_KEY)

    assert raw_event_times(events["event"], events["time"], "mixpanel") == world_event_times(seed)
    processed = pd.to_datetime(events["mp_processing_time_ms"])
    lag = processed - pd.to_datetime(events["time"])
    assert (lag >= pd.Timedelta(0)).all() and (lag < pd.Timedelta(minutes=5)).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_ids_follow_simplified_id_merge(loaded, seed):
    events = _events(loaded(seed)).drop_duplicates(DEDUPE_KEY)
    world = small_world(seed).world
    people = world.people

    anonymous = events["user_id"].isna()
    assert anonymous.sum() == (world.product_events["event"] == "page_viewed").sum()
    assert (events.loc[anonymous, "distinct_id"]
            == "$device:" + events.loc[anonymous, "device_id"]).all()
    assert (events.loc[~anonymous, "distinct_id"] == events.loc[~anonymous, "user_id"]).all()
    assert events["device_id"].notna().all()

    signups = events[events["event"] == "Signed Up"].set_index("user_id")["device_id"]
    assert signups.to_dict() == dict(zip(people["user_id"], people["device_id"], strict=True))


@pytest.mark.parametrize("seed", SEEDS)
def test_the_signup_carries_email_utms_and_click_id_from_the_landing_url(loaded, seed):
    result = loaded(seed)
    events = _events(result).drop_duplicates(DEDUPE_KEY)
    world = small_world(seed).world

    signups = events[events["event"] == "Signed Up"].set_index("user_id")
    expected = world.product_events[world.product_events["event"] == "signed_up"]
    expected = expected.set_index("user_id").reindex(signups.index)
    emails = identifiers(result, "email")
    people_of = world.people.set_index("person_id")["user_id"]
    assert (people_of.reindex(emails.loc[signups["email"], "person_id"]).to_numpy()
            == signups.index.to_numpy()).all()

    for column in ("utm_source", "utm_medium", "utm_campaign"):
        pd.testing.assert_series_equal(signups[column], expected[column], check_names=False,
                                       check_dtype=False)
    paid = expected["click_id"].notna()
    assert paid.any()
    for param in ("gclid", "fbclid", "li_fat_id"):
        mine = expected["click_id_param"] == param
        assert (signups.loc[mine, param] == expected.loc[mine, "click_id"]).all()
        assert signups.loc[~mine, param].isna().all()
    urls = signups.loc[paid, "current_url"]
    assert all(click in url and "utm_source=" in url
               for click, url in zip(expected.loc[paid, "click_id"], urls, strict=True))


@pytest.mark.parametrize("seed", SEEDS)
def test_every_event_carries_its_account_workspace(loaded, seed):
    events = _events(loaded(seed)).drop_duplicates(DEDUPE_KEY)
    world = small_world(seed).world

    workspace_of = world.accounts.set_index("account_id")["workspace_id"]
    people = world.people.assign(
        workspace_id=workspace_of.reindex(world.people["account_id"]).to_numpy()
    )
    by_user = people.set_index("user_id")["workspace_id"]
    by_device = people.set_index("device_id")["workspace_id"]
    anonymous = events["user_id"].isna()
    expected = by_user.reindex(events["user_id"]).to_numpy()
    expected[anonymous.to_numpy()] = by_device.reindex(
        events.loc[anonymous, "device_id"]).to_numpy()
    assert (events["workspace_id"].to_numpy() == expected).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_every_person_has_one_profile_with_their_signup_email(loaded, seed):
    result = loaded(seed)
    profiles = result.table("mixpanel_profiles")
    events = _events(result)
    people = small_world(seed).world.people

    assert len(profiles) == len(people)
    assert profiles["distinct_id"].is_unique
    by_user = profiles.set_index("distinct_id")
    signup_email = events[events["event"] == "Signed Up"].drop_duplicates("user_id")
    signup_email = signup_email.set_index("user_id")["email"]
    assert (by_user["email"] == signup_email.reindex(by_user.index)).all()
    created = people.set_index("user_id")["joined_at"].reindex(by_user.index)
    assert (pd.to_datetime(by_user["created"]) == pd.to_datetime(created)).all()
    assert by_user["workspace_id"].str.startswith("ws_").all()


@pytest.mark.parametrize("seed", SEEDS)
def test_the_answer_key_names_every_identifier_written_with_its_owner(loaded, seed):
    result = loaded(seed)
    events = _events(result)
    profiles = result.table("mixpanel_profiles")
    world = small_world(seed).world

    written = {
        "distinct_id": set(events["distinct_id"]) | set(profiles["distinct_id"]),
        "device_id": set(events["device_id"]),
        "user_id": set(events["user_id"].dropna()),
        "email": set(events["email"].dropna()) | set(profiles["email"]),
        "workspace_id": set(events["workspace_id"]),
    }
    for kind, values in written.items():
        assert values == set(identifiers(result, kind).index), kind

    devices = identifiers(result, "device_id")
    owners = world.product_events.groupby("device_id")["person_id"].nunique()
    shared = owners[owners > 1].index
    assert devices.loc[shared, "person_id"].isna().all()
    alone = owners[owners == 1].index.difference(devices.index[devices.index.str.startswith(
        "kiosk")])
    person_of = world.product_events.drop_duplicates("device_id").set_index("device_id")
    assert (devices.loc[alone, "person_id"] == person_of.loc[alone, "person_id"]).all()
    users = identifiers(result, "user_id")
    assert (users.loc[world.people["user_id"], "person_id"].to_numpy()
            == world.people["person_id"].to_numpy()).all()
    assert identifiers(result, "workspace_id")["person_id"].isna().all()


def test_two_chunks_write_side_by_side_with_ids_that_never_collide(tmp_path):
    folder, con, world_events = two_chunks("mixpanel", tmp_path)

    names = [p.name for p in folder.glob("events/*.jsonl.gz")]
    assert {n[-len("_0000.jsonl.gz"):] for n in names} == {"_0000.jsonl.gz", "_0001.jsonl.gz"}
    distinct, users = con.execute(
        'SELECT count(DISTINCT insert_id), count(DISTINCT user_id) FROM raw."mixpanel_events"'
    ).fetchone()
    assert distinct == world_events
    profiles = con.execute('SELECT count(*), count(DISTINCT distinct_id) '
                           'FROM raw."mixpanel_profiles"').fetchone()
    assert profiles == (users, users)
    con.close()


def test_the_event_name_seed_lists_every_mixpanel_name():
    assert event_names("mixpanel") == {v: k for k, v in exporter.EVENT_NAMES.items()}


def test_a_malformed_export_line_is_quarantined_while_good_lines_load(warehouse, tmp_path):
    good = {"event": "Signed Up", "properties": {
        "time": 1748856794, "distinct_id": "u1", "$insert_id": "a1", "$user_id": "u1"}}
    lines = [
        orjson.dumps(good),
        b'{"event": "Page Viewed", "properties": {"time": 17488',
        orjson.dumps({"event": "Page Viewed", "properties": {"distinct_id": "$device:d1",
                                                             "$insert_id": "a2"}}),
        orjson.dumps({"event": "Page Viewed", "properties": {
            "time": "yesterday", "distinct_id": "$device:d1", "$insert_id": "a3"}}),
        orjson.dumps({"event": "Page Viewed", "properties": {
            "time": 1748856794, "distinct_id": {"id": "d1"}, "$insert_id": "a4"}}),
        orjson.dumps({**good, "properties": {**good["properties"], "$insert_id": "a5"}}),
    ]
    folder = tmp_path / "landing"
    (folder / "events").mkdir(parents=True)
    (folder / "events" / "broken.jsonl.gz").write_bytes(gzip.compress(b"\n".join(lines)))

    report = load_object(warehouse, EVENTS, folder)

    assert report.rows_loaded == 2
    assert report.rows_quarantined == 4
    quarantined = warehouse.execute(
        f"SELECT row_number, field, reason FROM {QUARANTINE} ORDER BY row_number"
    ).fetchall()
    assert quarantined[0] == (2, None, "not valid JSON")
    assert quarantined[1][:2] == (3, "time")
    assert "missing required field" in quarantined[1][2]
    assert quarantined[2][:2] == (4, "time")
    assert "unparsable epoch_s: yesterday" in quarantined[2][2]
    assert quarantined[3][:2] == (5, "distinct_id")
    assert "expected string, found object" in quarantined[3][2]
    loaded_ids = warehouse.execute('SELECT insert_id FROM raw."mixpanel_events"').fetchall()
    assert sorted(loaded_ids) == [("a1",), ("a5",)]
