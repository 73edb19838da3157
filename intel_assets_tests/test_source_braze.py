"""Braze Currents Avro files parse into one table of email events that agrees with the world
it was exported from once the at-least-once repeats are dropped, and with the answer key; a
file that is not Avro is reported and a cut-short one quarantined, while the rest loads."""

from __future__ import annotations

from pathlib import Path

import duckdb
import fastavro
import numpy as np
import pandas as pd
import pytest

from intel_assets.demo.exports.braze import EVENT_TYPES, FIELDS
from intel_assets.sources.catalog import tool_objects
from intel_assets.sources.loader import load_object
from intel_assets.sources.tools.braze import EMAIL_EVENTS
from intel_assets_tests.conftest import SEEDS, ExportedTool, export_tool, small_world

UUID4 = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
LAYOUT = (
    r"currents/dataexport\.prod-03\.S3\.integration\.[0-9a-f]{24}/"
    r"event_type=users\.messages\.email\.(Send|Delivery|Open|Click|Bounce|Unsubscribe)/"
    r"date=\d{4}-\d{2}-\d{2}-\d{2}/\d+/[a-z]{2}-\d{2}/"
    r"dataexport\.prod-03\.S3\.integration\.[0-9a-f]{24}\+0\+\d{10}\.avro"
)
WORLD_TYPE = {metric: f"users.messages.email.{name}" for metric, name in EVENT_TYPES.items()}


@pytest.fixture(scope="module", params=SEEDS)
def braze(request, tmp_path_factory) -> tuple[ExportedTool, pd.DataFrame]:
    """Exports and loads each seed once for the module: a file per type per day is many."""
    small = small_world(request.param)
    root = tmp_path_factory.mktemp(f"braze_{request.param}")
    folder, identities = export_tool("braze", small, root / "landing")
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    con.execute("SET TimeZone = 'UTC'")
    reports = {obj.name: load_object(con, obj, folder) for obj in tool_objects("braze")}
    yield ExportedTool(folder, identities, reports, con), small.world
    con.close()


def _unique(result: ExportedTool) -> pd.DataFrame:
    return result.table("braze_email_events").drop_duplicates("id")


def _person_of(result: ExportedTool, kind: str) -> dict[str, str]:
    keyed = result.identities[result.identities["kind"] == kind]
    return dict(zip(keyed["identifier"], keyed["person_id"]))


def test_every_file_loads_without_a_quarantined_row_and_follows_the_currents_layout(braze):
    result, _ = braze
    report = result.reports["email_events"]

    assert report.rows_quarantined == 0
    assert report.unreadable == []
    names = pd.Series([f.path for f in report.loaded])
    assert names.str.fullmatch(LAYOUT).all()


def test_files_carry_the_full_sample_schema_of_their_event_type(braze):
    result, _ = braze
    for event, fields in FIELDS.items():
        path = next(result.folder.glob(f"currents/*/event_type=users.messages.email.{event}/"
                                       "*/*/*/*.avro"))
        with path.open("rb") as handle:
            reader = fastavro.reader(handle)
            schema = reader.writer_schema
            first = next(reader)
        assert [f["name"] for f in schema["fields"]] == [name for name, _ in fields]
        assert schema["name"].endswith(f"users.messages.email.{event}")
        assert isinstance(first["time"], int)
        assert reader.codec == "null"


def test_repeated_records_share_their_id_and_everything_else(braze):
    result, world = braze
    events = result.table("braze_email_events")

    repeats = len(events) - events["id"].nunique()
    assert 0 < repeats < 0.02 * len(world.email_events)
    twice = events[events["id"].duplicated(keep=False)].drop(columns=["_row_number"])
    assert twice.drop(columns=["_loaded_at"]).astype(str).groupby("id").nunique().max().max() == 1


def test_unique_events_match_the_world_type_by_type(braze):
    result, world = braze
    events = _unique(result)

    want = world.email_events["metric"].map(WORLD_TYPE).value_counts()
    assert events["event_type"].value_counts().sort_index().to_dict() == (
        want.sort_index().to_dict()
    )
    assert events["id"].str.fullmatch(UUID4).all()
    assert events["user_id"].str.fullmatch(r"[0-9a-f]{24}").all()
    path_type = events["_source_file"].str.extract(r"event_type=([^/]+)/")[0]
    assert (path_type == events["event_type"]).all()


def test_event_times_round_trip_to_the_worlds_utc_times(braze):
    result, world = braze
    events = _unique(result)

    for metric, times in world.email_events.groupby("metric")["time"]:
        want = np.sort(times.to_numpy().astype("datetime64[s]"))
        got = np.sort(events.loc[events["event_type"] == WORLD_TYPE[metric], "time"]
                      .to_numpy().astype("datetime64[s]"))
        assert np.array_equal(got, want), metric


def test_every_identifier_names_the_same_person_as_the_answer_key(braze):
    result, world = braze
    events = _unique(result)
    by_braze = events["user_id"].map(_person_of(result, "profile_id"))
    by_email = events["email_address"].map(_person_of(result, "email"))
    by_external = events["external_user_id"].map(_person_of(result, "user_id"))

    assert by_braze.notna().all()
    assert (by_braze == by_email).all()
    known = events["external_user_id"].notna()
    assert 0.8 < known.mean() < 1.0
    assert (by_external[known] == by_braze[known]).all()
    want = world.email_events.groupby("person_id").size()
    assert by_braze.value_counts().sort_index().equals(want.sort_index().rename("count"))
    personal = events["email_address"].isin(set(world.people["personal_email"]))
    assert personal.any()
    assert known[personal].all()


def test_a_message_is_one_dispatch_per_user_and_newsletters_share_theirs(braze):
    result, _ = braze
    events = _unique(result)
    sends = events[events["event_type"] == "users.messages.email.Send"]

    assert sends.groupby(["user_id", "dispatch_id"]).size().max() == 1
    newsletter = sends["campaign_name"].str.startswith("Product newsletter")
    per_letter = sends[newsletter].groupby("campaign_id")["dispatch_id"].nunique()
    assert (per_letter == 1).all()
    onboarding = sends[~newsletter]
    assert onboarding["dispatch_id"].is_unique
    opens = events[events["event_type"] == "users.messages.email.Open"]
    sent_pairs = set(zip(sends["user_id"], sends["dispatch_id"]))
    assert set(zip(opens["user_id"], opens["dispatch_id"])) <= sent_pairs
    clicks = events[events["event_type"] == "users.messages.email.Click"]
    assert clicks["url"].str.contains("utm_source=braze&utm_medium=email").all()


def _one_file(folder: Path, event: str = "Open") -> Path:
    return next(folder.glob(f"currents/*/event_type=users.messages.email.{event}/*/*/*/*.avro"))


def test_a_file_with_a_garbage_header_is_reported_unreadable_while_the_others_load(
    tmp_path: Path, warehouse
):
    small = small_world(SEEDS[0])
    folder, _ = export_tool("braze", small, tmp_path / "landing")
    victim = _one_file(folder)
    victim.write_bytes(b"this is not an avro container" * 10)

    report = load_object(warehouse, EMAIL_EVENTS, folder)

    assert [error.path for error in report.unreadable] == [victim]
    assert "not an Avro container" in report.unreadable[0].reason
    assert report.rows_loaded > 0
    assert report.rows_quarantined == 0
    assert report.files_seen == len(report.loaded) + 1


def test_a_file_cut_short_keeps_its_whole_blocks_and_quarantines_the_cut(
    tmp_path: Path, warehouse
):
    folder = tmp_path / "braze"
    event_dir = (folder / "currents" / "dataexport.prod-03.S3.integration.abc"
                 / "event_type=users.messages.email.Open" / "date=2025-06-02-10" / "1" / "us-03")
    event_dir.mkdir(parents=True)
    schema = {"type": "record", "name": "dataexport.S3.inner.users.messages.email.Open",
              "fields": [{"name": "id", "type": "string"}, {"name": "user_id", "type": "string"},
                         {"name": "time", "type": "int"},
                         {"name": "email_address", "type": "string"}]}
    records = [{"id": f"e{i:04d}", "user_id": "65f1c2d3e4a5b6c7d8e9f012", "time": 1718100300 + i,
                "email_address": "dana@example.com"} for i in range(300)]
    whole = event_dir / "whole.avro"
    with whole.open("wb") as handle:
        fastavro.writer(handle, fastavro.parse_schema(schema), records, sync_interval=2_000)
    data = whole.read_bytes()
    cut = event_dir / "cut.avro"
    cut.write_bytes(data[: len(data) - 40])
    with cut.open("rb") as handle:
        readable = 0
        try:
            for _ in fastavro.reader(handle):
                readable += 1
        except (EOFError, ValueError):
            pass

    report = load_object(warehouse, EMAIL_EVENTS, folder)

    assert report.unreadable == []
    assert report.rows_loaded == 300 + readable
    rows = warehouse.execute("SELECT source_file, row_number, field, reason FROM raw._quarantine"
                             ).df()
    assert len(rows) == 1
    assert rows["source_file"].iloc[0].endswith("cut.avro")
    assert rows["row_number"].iloc[0] == readable + 1
    assert rows["reason"].iloc[0].startswith("Avro block cannot be decoded")
    types = warehouse.execute('SELECT DISTINCT event_type FROM raw."braze_email_events"').df()
    assert types["event_type"].tolist() == ["users.messages.email.Open"]


def _write(path: Path, name: str, fields: list[dict], rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    schema = fastavro.parse_schema({"type": "record", "name": name, "fields": fields})
    with path.open("wb") as handle:
        fastavro.writer(handle, schema, rows)


def test_wrong_types_and_an_untold_event_type_are_quarantined_by_field(
    tmp_path: Path, warehouse
):
    folder = tmp_path / "braze"
    fields = [{"name": "id", "type": "string"}, {"name": "user_id", "type": "string"},
              {"name": "time", "type": "string"}, {"name": "is_amp", "type": ["null", "string"]}]
    rows = [{"id": "a", "user_id": "u", "time": "1718100300", "is_amp": None},
            {"id": "b", "user_id": "u", "time": "yesterday", "is_amp": None},
            {"id": "c", "user_id": "u", "time": "1718100300", "is_amp": "maybe"}]
    clicks = folder / "currents" / "x" / "event_type=users.messages.email.Click"
    _write(clicks / "date=2025-06-02-10" / "1" / "us-03" / "part.avro", "click", fields, rows)
    # Files named like Braze's sample files: no `event_type=` folder, so the writer schema's
    # record name has to tell the type.
    _write(folder / "samples" / "users.messages.email.Open.avro",
           "dataexport.S3.inner.users.messages.email.Open", fields, rows[:1])
    _write(folder / "samples" / "users.messages.email.Send.avro", "record", fields, rows[:1])

    report = load_object(warehouse, EMAIL_EVENTS, folder)

    assert report.rows_loaded == 2
    loaded = warehouse.execute(
        'SELECT event_type FROM raw."braze_email_events" ORDER BY event_type'
    ).df()
    assert loaded["event_type"].tolist() == ["users.messages.email.Click",
                                             "users.messages.email.Open"]
    quarantined = warehouse.execute(
        "SELECT source_file, row_number, field, reason FROM raw._quarantine "
        "ORDER BY source_file, row_number"
    ).df()
    assert quarantined["source_file"].str.rpartition("/")[2].tolist() == [
        "part.avro", "part.avro", "users.messages.email.Send.avro"
    ]
    assert quarantined["row_number"].tolist() == [2, 3, 1]
    assert quarantined["field"].tolist() == ["time", "is_amp", "event_type"]
    assert quarantined["reason"].tolist() == [
        "time: unparsable epoch_s: yesterday",
        "is_amp: unparsable boolean: maybe",
        "event_type: missing required field",
    ]
