"""Amplitude's Export API archives parse into events that agree with the world: zone-less
UTC times, one int64 amplitude_id per person carried over from the anonymous device, the
signup's email and attribution in the user properties, and the workspace group."""

from __future__ import annotations

import gzip
import io
import re
import zipfile

import numpy as np
import orjson
import pandas as pd
import pytest

from intel_assets.demo.exports import amplitude as exporter
from intel_assets.sources.loader import QUARANTINE, load_object
from intel_assets.sources.tools.amplitude import EVENTS
from intel_assets_tests.conftest import SEEDS, small_world
from intel_assets_tests.product_helpers import (
    ExportCache,
    event_names,
    identifiers,
    raw_event_times,
    two_chunks,
    world_event_times,
)

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    cache = ExportCache(tmp_path_factory.mktemp("amplitude"))
    yield lambda seed: cache("amplitude", seed)
    cache.close()


def _events(result) -> pd.DataFrame:
    return result.table("amplitude_events")


@pytest.mark.parametrize("seed", SEEDS)
def test_every_world_event_is_one_row_without_a_quarantined_line(loaded, seed):
    result = loaded(seed)
    events = _events(result)

    report = result.reports["events"]
    assert not report.unreadable
    assert report.rows_quarantined == 0
    assert len(events) == len(small_world(seed).world.product_events)
    assert events["uuid"].is_unique
    assert events["uuid"].str.fullmatch(UUID).all()
    assert events["insert_id"].is_unique


@pytest.mark.parametrize("seed", SEEDS)
def test_archives_hold_one_month_and_one_gzip_entry_per_upload_day(loaded, seed):
    result = loaded(seed)
    app = exporter.project_id(seed)

    archives = sorted((result.folder / "events").glob("*.zip"))
    assert archives
    for archive in archives:
        match = re.fullmatch(r"amplitude_export_(\d{8})T00-(\d{8})T23_0000\.zip", archive.name)
        assert match, archive.name
        with zipfile.ZipFile(archive) as bundle:
            days = []
            for entry in bundle.namelist():
                found = re.fullmatch(rf"{app}/{app}_(\d{{4}}-\d{{2}}-\d{{2}})_0#0\.json\.gz",
                                     entry)
                assert found, entry
                lines = gzip.decompress(bundle.read(entry)).splitlines()
                uploads = {orjson.loads(line)["server_upload_time"][:10] for line in lines}
                assert uploads == {found.group(1)}
                days.append(found.group(1))
            assert len(days) == len(set(days))
            assert {d.replace("-", "")[:6] for d in days} == {match.group(1)[:6]}


@pytest.mark.parametrize("seed", SEEDS)
def test_event_types_and_zone_less_times_round_trip_to_the_world(loaded, seed):
    result = loaded(seed)
    events = _events(result)

    assert raw_event_times(events["event_type"], events["event_time"], "amplitude") == (
        world_event_times(seed)
    )
    lag = pd.to_datetime(events["server_upload_time"]) - pd.to_datetime(events["event_time"])
    assert (lag > pd.Timedelta(0)).all() and (lag < pd.Timedelta(seconds=30)).all()
    entry = next((result.folder / "events").glob("*.zip"))
    with zipfile.ZipFile(entry) as bundle:
        line = gzip.decompress(bundle.read(bundle.namelist()[0])).splitlines()[0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}",
                        orjson.loads(line)["event_time"])


@pytest.mark.parametrize("seed", SEEDS)
def test_each_person_keeps_one_amplitude_id_from_their_anonymous_device_on(loaded, seed):
    events = _events(loaded(seed))
    people = small_world(seed).world.people

    assert events["amplitude_id"].str.fullmatch(r"[1-9]\d{11}").all()
    identified = events[events["user_id"].notna()]
    assert identified.groupby("user_id")["amplitude_id"].nunique().eq(1).all()
    assert identified.groupby("amplitude_id")["user_id"].nunique().eq(1).all()
    anonymous = events[events["user_id"].isna()]
    assert len(anonymous) == (small_world(seed).world.product_events["event"]
                              == "page_viewed").sum()
    user_of_device = people.set_index("device_id")["user_id"]
    amplitude_of_user = identified.drop_duplicates("user_id").set_index("user_id")
    expected = amplitude_of_user["amplitude_id"].reindex(
        user_of_device.reindex(anonymous["device_id"])).to_numpy()
    assert (anonymous["amplitude_id"].to_numpy() == expected).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_the_signup_carries_email_and_the_landing_attribution(loaded, seed):
    result = loaded(seed)
    events = _events(result)
    world = small_world(seed).world

    signups = events[events["event_type"] == "sign_up"].set_index("user_id")
    expected = world.product_events[world.product_events["event"] == "signed_up"]
    expected = expected.set_index("user_id").reindex(signups.index)
    emails = identifiers(result, "email")
    user_of = world.people.set_index("person_id")["user_id"]
    assert (user_of.reindex(emails.loc[signups["email"], "person_id"]).to_numpy()
            == signups.index.to_numpy()).all()
    for column in ("utm_source", "utm_medium", "utm_campaign"):
        assert (signups[column].fillna("-") == expected[column].fillna("-")).all()
    paid = expected["click_id"].notna()
    assert paid.any()
    for param in ("gclid", "fbclid", "li_fat_id"):
        mine = (expected["click_id_param"] == param).to_numpy()
        assert (signups.loc[mine, param] == expected.loc[mine, "click_id"]).all()
        assert signups.loc[~mine, param].isna().all()
    assert all(click in url for click, url in zip(
        expected.loc[paid, "click_id"], signups.loc[paid, "page_location"], strict=True))

    landing = world.product_events[world.product_events["click_id"].notna()]
    first_click = landing.drop_duplicates("person_id").set_index("user_id")
    # The landing page view is anonymous: its user is the one who signed up on the device.
    device_user = world.people.set_index("device_id")["user_id"]
    first_click.index = device_user.reindex(first_click["device_id"]).to_numpy()
    for param in ("gclid", "fbclid", "li_fat_id"):
        mine = (expected["click_id_param"] == param).to_numpy()
        assert (signups.loc[mine, f"initial_{param}"]
                == first_click["click_id"].reindex(signups.index[mine])).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_email_stays_in_the_user_properties_after_signup_and_not_before(loaded, seed):
    events = _events(loaded(seed))

    anonymous = events["user_id"].isna()
    assert events.loc[anonymous, "email"].isna().all()
    assert events.loc[~anonymous, "email"].notna().all()
    assert events.loc[~anonymous].groupby("user_id")["email"].nunique().eq(1).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_every_event_names_its_workspace_in_the_groups(loaded, seed):
    events = _events(loaded(seed))
    world = small_world(seed).world

    workspace_of = world.accounts.set_index("account_id")["workspace_id"]
    people = world.people.assign(
        workspace_id=workspace_of.reindex(world.people["account_id"]).to_numpy()
    )
    by_amplitude_user = people.set_index("user_id")["workspace_id"]
    identified = events["user_id"].notna()
    assert (events.loc[identified, "workspace_id"].to_numpy()
            == by_amplitude_user.reindex(events.loc[identified, "user_id"]).to_numpy()).all()
    groups = events["groups"].map(orjson.loads)
    assert all(list(g) == ["workspace"] and len(g["workspace"]) == 1 for g in groups)


@pytest.mark.parametrize("seed", SEEDS)
def test_session_ids_are_the_epoch_ms_of_a_session_start(loaded, seed):
    events = _events(loaded(seed))

    starts = events[events["event_type"] == "session_start"]
    start_ms = pd.to_datetime(starts["event_time"]).astype("datetime64[ms]").astype(np.int64)
    assert (starts["session_id"].to_numpy() == start_ms.to_numpy()).all()
    ms = events["session_id"].to_numpy()
    assert (ms <= pd.to_datetime(events["event_time"]).astype("datetime64[ms]")
            .astype(np.int64).to_numpy()).all()
    assert events["event_id"].min() == 1


@pytest.mark.parametrize("seed", SEEDS)
def test_the_answer_key_names_every_identifier_written_with_its_owner(loaded, seed):
    result = loaded(seed)
    events = _events(result)
    world = small_world(seed).world

    written = {
        "device_id": set(events["device_id"]),
        "user_id": set(events["user_id"].dropna()),
        "tool_user_id": set(events["amplitude_id"]),
        "email": set(events["email"].dropna()),
        "workspace_id": set(events["workspace_id"]),
    }
    for kind, values in written.items():
        assert values == set(identifiers(result, kind).index), kind

    amplitude = identifiers(result, "tool_user_id")
    pairs = events.dropna(subset=["user_id"]).drop_duplicates("amplitude_id")
    person_of_user = world.people.set_index("user_id")["person_id"]
    assert (amplitude.loc[pairs["amplitude_id"], "person_id"].to_numpy()
            == person_of_user.reindex(pairs["user_id"]).to_numpy()).all()
    devices = identifiers(result, "device_id")
    owners = world.product_events.groupby("device_id")["person_id"].nunique()
    assert devices.loc[owners[owners > 1].index, "person_id"].isna().all()


def test_two_chunks_write_side_by_side_with_ids_that_never_collide(tmp_path):
    folder, con, world_events = two_chunks("amplitude", tmp_path)

    names = [p.name for p in folder.glob("events/*.zip")]
    assert {n[-len("_0000.zip"):] for n in names} == {"_0000.zip", "_0001.zip"}
    counts = con.execute(
        'SELECT count(*), count(DISTINCT uuid), count(DISTINCT insert_id), '
        'count(DISTINCT amplitude_id) FILTER (user_id IS NOT NULL), '
        'count(DISTINCT user_id) FROM raw."amplitude_events"'
    ).fetchone()
    assert counts[:3] == (world_events,) * 3
    assert counts[3] == counts[4]
    con.close()


def test_the_event_name_seed_lists_every_amplitude_event_type():
    assert event_names("amplitude") == {v: k for k, v in exporter.EVENT_NAMES.items()}


def _archive(entries: dict[str, list[bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, lines in entries.items():
            bundle.writestr(name, gzip.compress(b"\n".join(lines) + b"\n"))
    return buffer.getvalue()


def test_a_malformed_export_line_is_quarantined_while_good_lines_load(warehouse, tmp_path):
    def event(**fields: object) -> bytes:
        base = {"uuid": "0f9e2c1a-2b3c-41ef-9a1b-000000000001", "event_type": "page_view",
                "event_time": "2025-06-01 09:00:05.123000", "amplitude_id": 552019384712,
                "device_id": "c5a1f0e2", "user_id": None}
        return orjson.dumps({**base, **fields})

    folder = tmp_path / "landing"
    (folder / "events").mkdir(parents=True)
    (folder / "events" / "export.zip").write_bytes(_archive({
        "187520/187520_2025-06-01_0#0.json.gz": [event(), event(uuid="u-2")],
        "187520/187520_2025-06-02_0#0.json.gz": [
            b'{"uuid": "u-3", "event_type": "sign_',
            event(uuid="u-4", event_time=None),
            event(uuid="u-5", event_time="June 2nd"),
            event(uuid="u-6", amplitude_id={"id": 1}),
            event(uuid="u-7", user_id="usr_1"),
        ],
    }))

    report = load_object(warehouse, EVENTS, folder)

    assert report.rows_loaded == 3
    assert report.rows_quarantined == 4
    quarantined = warehouse.execute(
        f"SELECT row_number, field, reason FROM {QUARANTINE} ORDER BY row_number"
    ).fetchall()
    assert quarantined[0] == (3, None, "not valid JSON")
    assert quarantined[1][:2] == (4, "event_time")
    assert "missing required field" in quarantined[1][2]
    assert quarantined[2][:2] == (5, "event_time")
    assert "unparsable timestamp: June 2nd" in quarantined[2][2]
    assert quarantined[3][:2] == (6, "amplitude_id")
    assert "expected string, found object" in quarantined[3][2]
    loaded = warehouse.execute(
        'SELECT uuid, event_time FROM raw."amplitude_events" ORDER BY uuid').fetchall()
    assert [u for u, _ in loaded] == ["0f9e2c1a-2b3c-41ef-9a1b-000000000001", "u-2", "u-7"]
    assert str(loaded[0][1]) == "2025-06-01 09:00:05.123000"
