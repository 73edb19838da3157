"""Heap Connect's S3 dumps parse into users, sessions, pageviews, events and migrations that
agree with the world: manifests that list every part, int64 ids kept as text, zone-less UTC
times, users repeated across dumps and resolved by `last_modified`, and migrations that
bring a person's other devices back to one identified user."""

from __future__ import annotations

import io

import fastavro
import orjson
import pandas as pd
import pytest

from intel_assets.demo.exports import heap as exporter
from intel_assets.sources.loader import QUARANTINE, load_object
from intel_assets.sources.tools import heap as spec
from intel_assets_tests.conftest import SEEDS, small_world
from intel_assets_tests.product_helpers import (
    ExportCache,
    event_names,
    identifiers,
    raw_event_times,
    two_chunks,
    world_event_times,
)

HEAP_ID = r"[1-9]\d{15}"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    cache = ExportCache(tmp_path_factory.mktemp("heap"))
    yield lambda seed: cache("heap", seed)
    cache.close()


def _latest_users(result) -> pd.DataFrame:
    users = result.table("heap_users")
    return users.sort_values(["last_modified", "_source_file"]).drop_duplicates(
        "user_id", keep="last").set_index("user_id")


def _resolved_users(result, frame: pd.DataFrame) -> pd.Series:
    """Each row's Heap user after S3 migrations: coalesce(to_user_id, user_id)."""
    migrations = result.table("heap_user_migrations").set_index("from_user_id")["to_user_id"]
    return migrations.reindex(frame["user_id"]).fillna(
        pd.Series(frame["user_id"].to_numpy(), index=frame["user_id"].to_numpy())
    ).set_axis(frame.index)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_part_parses_without_a_quarantined_row(loaded, seed):
    result = loaded(seed)

    assert set(result.reports) == {"users", "sessions", "pageviews", "events",
                                   "user_migrations"}
    for report in result.reports.values():
        assert report.files_seen > 0
        assert not report.unreadable
        assert report.rows_quarantined == 0


@pytest.mark.parametrize("seed", SEEDS)
def test_manifests_list_every_part_of_their_dump_with_its_incremental_flag(loaded, seed):
    folder = loaded(seed).folder

    manifests = sorted((folder / "manifests").glob("sync_*_00000.json"))
    assert len(manifests) == 2
    documents = [orjson.loads(p.read_bytes()) for p in manifests]
    assert [d["dump_id"] for d in documents] == sorted(exporter.DUMP_IDS)
    listed = set()
    for number, document in enumerate(documents):
        for table in document["tables"]:
            assert table["incremental"] is (number > 0)
            for url in table["files"]:
                relative = url.split("/", 3)[3]
                prefix = f"sync_{document['dump_id']}/{table['name']}/part-00000-"
                assert relative.startswith(prefix)
                with (folder / relative).open("rb") as handle:
                    reader = fastavro.reader(handle)
                    names = [f["name"] for f in reader.writer_schema["fields"]]
                    assert names == table["columns"]
                listed.add(relative)
    written = {p.relative_to(folder).as_posix() for p in folder.glob("sync_*/*/*.avro")}
    assert listed == written


@pytest.mark.parametrize("seed", SEEDS)
def test_times_are_zone_less_avro_strings(loaded, seed):
    folder = loaded(seed).folder

    for path in folder.glob("sync_*/*/*.avro"):
        with path.open("rb") as handle:
            reader = fastavro.reader(handle)
            fields = {f["name"]: f["type"] for f in reader.writer_schema["fields"]}
            first = next(iter(reader))
        for name in ("time", "joindate", "last_modified"):
            if name in fields:
                assert fields[name] == "string"
                assert pd.Timestamp(first[name]).tzinfo is None


@pytest.mark.parametrize("seed", SEEDS)
def test_pageviews_and_event_tables_round_trip_to_the_world(loaded, seed):
    result = loaded(seed)
    pageviews = result.table("heap_pageviews")
    events = result.table("heap_events")

    tracked = tuple(e for e in exporter.EVENT_TABLES if e not in ("session_started",
                                                                  "page_viewed"))
    assert raw_event_times(events["event_table_name"], events["time"], "heap") == (
        world_event_times(seed, tracked)
    )
    assert raw_event_times(pd.Series("pageviews", index=pageviews.index), pageviews["time"],
                           "heap") == world_event_times(seed, ("page_viewed",))
    assert set(events["_source_file"].str.split("/").str[1]) == set(spec.EVENT_TABLES)
    assert (events["_source_file"].str.split("/").str[1] == events["event_table_name"]).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_sessions_are_the_world_session_starts_plus_each_landing_visit(loaded, seed):
    result = loaded(seed)
    sessions = result.table("heap_sessions")
    world = small_world(seed).world

    assert sessions["session_id"].is_unique
    starts = world_event_times(seed, ("session_started",))
    landing = sessions["landing_page"].str.startswith("https://www.")
    assert landing.sum() == len(world.people)
    assert raw_event_times(pd.Series("sessions", index=sessions.index[~landing]),
                           sessions.loc[~landing, "time"], "heap") == starts
    events = pd.concat([result.table("heap_pageviews"), result.table("heap_events")])
    assert set(events["session_id"]) <= set(sessions["session_id"])
    start_of = sessions.set_index("session_id")["time"]
    assert (pd.to_datetime(events["time"]).to_numpy()
            >= pd.to_datetime(start_of.reindex(events["session_id"])).to_numpy()).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_ids_are_int64_kept_as_text(loaded, seed):
    result = loaded(seed)

    for table, columns in (("heap_users", ["user_id"]),
                           ("heap_sessions", ["session_id", "user_id"]),
                           ("heap_pageviews", ["event_id", "user_id", "session_id"]),
                           ("heap_events", ["event_id", "user_id", "session_id"]),
                           ("heap_user_migrations", ["from_user_id", "to_user_id"])):
        frame = result.table(table)
        for column in columns:
            assert frame[column].str.fullmatch(HEAP_ID).all(), (table, column)
            assert (frame[column].astype("int64") > 2**52).all()
    events = pd.concat([result.table("heap_pageviews"), result.table("heap_events")])
    assert events["event_id"].is_unique


@pytest.mark.parametrize("seed", SEEDS)
def test_users_repeat_across_dumps_and_the_latest_row_is_the_identified_user(loaded, seed):
    result = loaded(seed)
    users = result.table("heap_users")
    world = small_world(seed).world
    migrations = result.table("heap_user_migrations")

    latest = _latest_users(result)
    assert len(latest) == len(world.people) + len(migrations)
    assert users["_source_file"].str.split("/").str[0].nunique() == 2
    identified = latest[latest["identity"].notna()]
    assert sorted(identified["identity"]) == sorted(world.people["user_id"])
    emails = identifiers(result, "email")
    person_of_user = world.people.set_index("user_id")["person_id"]
    assert (emails.loc[identified["email"], "person_id"].to_numpy()
            == person_of_user.reindex(identified["identity"]).to_numpy()).all()
    anonymous = latest[latest["identity"].isna()]
    assert set(anonymous.index) == set(migrations["from_user_id"])
    repeated = users[users.duplicated("user_id", keep=False)]
    for _, rows in repeated.groupby("user_id"):
        assert rows["_source_file"].str.split("/").str[0].nunique() == len(rows)


@pytest.mark.parametrize("seed", SEEDS)
def test_migrations_bring_every_device_of_a_person_back_to_one_user(loaded, seed):
    result = loaded(seed)
    world = small_world(seed).world
    migrations = result.table("heap_user_migrations")
    events = pd.concat([result.table("heap_pageviews"), result.table("heap_events"),
                        result.table("heap_sessions")], ignore_index=True)

    assert migrations["from_user_id"].is_unique
    assert not set(migrations["from_user_id"]) & set(migrations["to_user_id"])
    latest = _latest_users(result)
    assert latest.loc[migrations["to_user_id"], "identity"].notna().all()
    resolved = _resolved_users(result, events)
    identity = latest["identity"].reindex(resolved).to_numpy()
    assert pd.notna(identity).all()
    assert len(set(identity)) == len(world.people)
    migrated = events["user_id"].isin(migrations["from_user_id"])
    assert migrated.sum() >= len(migrations)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_signup_carries_email_click_id_and_a_landing_session_with_utms(loaded, seed):
    result = loaded(seed)
    events = result.table("heap_events")
    sessions = result.table("heap_sessions").set_index("session_id")
    world = small_world(seed).world

    signups = events[events["event_table_name"] == "account_sign_up"]
    latest = _latest_users(result)
    signups = signups.assign(user=latest["identity"].reindex(signups["user_id"]).to_numpy())
    expected = world.product_events[world.product_events["event"] == "signed_up"]
    expected = expected.set_index("user_id").reindex(signups["user"])
    assert (latest.loc[signups["user_id"], "email"].to_numpy()
            == signups["email"].to_numpy()).all()
    assert expected["click_id"].notna().any()
    for param in ("gclid", "fbclid", "li_fat_id"):
        mine = (expected["click_id_param"] == param).to_numpy()
        assert (signups.loc[mine, param].to_numpy() == expected.loc[mine, "click_id"]).all()
        assert signups.loc[~mine, param].isna().all()
    landing = sessions.loc[signups["session_id"]]
    paid = expected["utm_source"].notna().to_numpy()
    assert (landing.loc[paid, "utm_source"].to_numpy() == expected.loc[paid, "utm_source"]).all()
    assert landing.loc[paid, "landing_page_query"].str.contains("utm_campaign=").all()
    assert (signups["workspace_id"].str.startswith("ws_")).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_the_answer_key_names_every_identifier_written_with_its_owner(loaded, seed):
    result = loaded(seed)
    world = small_world(seed).world
    users = result.table("heap_users")
    events = result.table("heap_events")

    written = {
        "tool_user_id": set(users["user_id"]),
        "user_id": set(users["identity"].dropna()),
        "email": set(users["email"].dropna()) | set(events["email"].dropna()),
        "workspace_id": set(users["workspace_id"].dropna()) | set(events["workspace_id"]),
    }
    for kind, values in written.items():
        assert values == set(identifiers(result, kind).index), kind
    heap_users = identifiers(result, "tool_user_id")
    latest = _latest_users(result)
    person_of_user = world.people.set_index("user_id")["person_id"]
    known = latest[latest["identity"].notna()]
    assert (heap_users.loc[known.index, "person_id"].to_numpy()
            == person_of_user.reindex(known["identity"]).to_numpy()).all()
    migrations = result.table("heap_user_migrations")
    assert (heap_users.loc[migrations["from_user_id"], "person_id"].to_numpy()
            == heap_users.loc[migrations["to_user_id"], "person_id"].to_numpy()).all()


def test_two_chunks_write_side_by_side_with_ids_that_never_collide(tmp_path):
    folder, con, world_events = two_chunks("heap", tmp_path)

    assert len(list(folder.glob("manifests/*.json"))) == 4
    parts = {p.name[:len("part-00000")] for p in folder.glob("sync_*/*/*.avro")}
    assert parts == {"part-00000", "part-00001"}
    events = con.execute(
        'SELECT count(*), count(DISTINCT event_id) FROM (SELECT event_id FROM raw."heap_events" '
        'UNION ALL SELECT event_id FROM raw."heap_pageviews")'
    ).fetchone()
    sessions = con.execute('SELECT count(*), count(DISTINCT session_id) '
                           'FROM raw."heap_sessions"').fetchone()
    assert events[0] == events[1]
    assert sessions[0] == sessions[1]
    assert events[0] + sessions[0] > world_events
    identities = con.execute('SELECT count(DISTINCT user_id), count(DISTINCT identity) '
                             'FROM raw."heap_users" WHERE identity IS NOT NULL').fetchone()
    assert identities[0] == identities[1]
    con.close()


def test_the_event_name_seed_lists_every_heap_table():
    assert event_names("heap") == {v: k for k, v in exporter.EVENT_TABLES.items()}
    assert spec.EVENT_TABLES == exporter.TRACKED_TABLES


def _avro(records: list[dict], schema: dict, *, blocks_of: int = 1000) -> bytes:
    buffer = io.BytesIO()
    fastavro.writer(buffer, fastavro.parse_schema(schema), records, sync_interval=blocks_of)
    return buffer.getvalue()


def test_a_malformed_avro_record_is_quarantined_while_good_records_load(warehouse, tmp_path):
    schema = {"type": "record", "name": "pageviews", "fields": [
        {"name": "event_id", "type": ["null", "long"]},
        {"name": "user_id", "type": "long"},
        {"name": "time", "type": ["null", "string"]},
        {"name": "path", "type": ["null", "string"]},
    ]}
    good = {"event_id": 4419920183312, "user_id": 3301928847712093,
            "time": "2024-06-01 09:00:05", "path": "/pricing"}
    folder = tmp_path / "landing"
    part = folder / "sync_7" / "pageviews"
    part.mkdir(parents=True)
    (part / "part-00000-a.avro").write_bytes(_avro([
        good,
        {**good, "event_id": None},
        {**good, "event_id": 4419920183313, "time": "not a time"},
        {**good, "event_id": 4419920183314, "time": None},
        {**good, "event_id": 4419920183315},
    ], schema))
    many = [{**good, "event_id": 5_000_000_000_000 + i, "path": "/x" * 40} for i in range(400)]
    whole = _avro(many, schema, blocks_of=2000)
    (part / "part-00001-b.avro").write_bytes(whole[: len(whole) - 3000])

    report = load_object(warehouse, spec.PAGEVIEWS, folder)

    assert not report.unreadable
    rows = warehouse.execute(
        f"SELECT source_file, row_number, field, reason FROM {QUARANTINE} "
        "ORDER BY source_file, row_number"
    ).fetchall()
    first_file = [r for r in rows if r[0].endswith("part-00000-a.avro")]
    assert [(r[1], r[2]) for r in first_file] == [(2, "event_id"), (3, "time"), (4, "time")]
    assert "missing required field" in first_file[0][3]
    assert "unparsable timestamp: not a time" in first_file[1][3]
    assert "missing required field" in first_file[2][3]
    truncated = [r for r in rows if r[0].endswith("part-00001-b.avro")]
    assert len(truncated) == 1
    assert truncated[0][3].startswith("Avro block cannot be decoded")
    loaded = warehouse.execute(
        'SELECT _source_file, count(*) FROM raw."heap_pageviews" GROUP BY 1 ORDER BY 1'
    ).fetchall()
    assert loaded[0][1] == 2
    assert 0 < loaded[1][1] < 400
    assert truncated[0][1] == loaded[1][1] + 1
    ids = warehouse.execute('SELECT event_id FROM raw."heap_pageviews" ORDER BY 1').fetchone()
    assert ids == ("4419920183312",)
