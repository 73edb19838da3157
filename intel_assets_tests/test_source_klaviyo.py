"""Klaviyo JSON:API pages parse into events, metrics and profiles that agree with the world
they were exported from, and with the answer key."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import orjson
import pandas as pd
import pytest

from intel_assets.demo.exports.klaviyo import METRICS
from intel_assets.sources.catalog import tool_objects
from intel_assets.sources.loader import load_object
from intel_assets.sources.tools import klaviyo as klaviyo_source
from intel_assets_tests.conftest import SEEDS, ExportedTool, export_tool, small_world

CROCKFORD_ULID = r"^[0-9A-HJKMNP-TV-Z]{26}$"


@pytest.fixture(scope="module", params=SEEDS)
def klaviyo(request, tmp_path_factory) -> tuple[ExportedTool, pd.DataFrame]:
    """Exports and loads each seed once for the module: the pages take a while to load."""
    small = small_world(request.param)
    root = tmp_path_factory.mktemp(f"klaviyo_{request.param}")
    folder, identities = export_tool("klaviyo", small, root / "landing")
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    con.execute("SET TimeZone = 'UTC'")
    reports = {obj.name: load_object(con, obj, folder) for obj in tool_objects("klaviyo")}
    yield ExportedTool(folder, identities, reports, con), small.world
    con.close()


def _events_with_metric(result: ExportedTool) -> pd.DataFrame:
    metrics = result.table("klaviyo_metrics").drop_duplicates("id")
    names = dict(zip(metrics["id"], metrics["name"]))
    events = result.table("klaviyo_events")
    events["metric"] = events["metric_id"].map(names)
    return events


def _person_of(result: ExportedTool, kind: str) -> dict[str, str]:
    keyed = result.identities[result.identities["kind"] == kind]
    return dict(zip(keyed["identifier"], keyed["person_id"]))


def test_every_page_loads_without_a_quarantined_row(klaviyo):
    result, _ = klaviyo

    for report in result.reports.values():
        assert report.rows_quarantined == 0
        assert report.unreadable == []
        assert report.rows_loaded > 0


def test_every_person_has_one_profile_with_a_klaviyo_id(klaviyo):
    result, world = klaviyo
    profiles = result.table("klaviyo_profiles")

    assert len(profiles) == len(world.people)
    assert profiles["id"].is_unique
    assert profiles["id"].str.fullmatch(CROCKFORD_ULID).all()
    assert profiles["external_id"].notna().mean() == pytest.approx(0.9, abs=0.05)


def test_events_match_the_world_metric_by_metric_and_sent_is_not_exported(klaviyo):
    result, world = klaviyo
    events = _events_with_metric(result)

    expected = world.email_events["metric"].map(METRICS).dropna().value_counts()
    assert events["metric"].value_counts().sort_index().to_dict() == (
        expected.sort_index().to_dict()
    )
    assert "sent" not in set(events["metric"])
    assert events["id"].is_unique
    assert events["id"].str.fullmatch(r"[0-9A-Za-z]{11}").all()
    assert result.table("klaviyo_metrics")["id"].str.fullmatch(r"[0-9A-Za-z]{6}").all()


def test_event_times_round_trip_to_the_worlds_utc_times(klaviyo):
    result, world = klaviyo
    events = _events_with_metric(result)

    assert (events["timestamp"] == events["datetime"]).all()
    for metric, name in METRICS.items():
        want = np.sort(world.email_events.loc[world.email_events["metric"] == metric, "time"]
                       .to_numpy().astype("datetime64[s]"))
        got = np.sort(events.loc[events["metric"] == name, "timestamp"].to_numpy()
                      .astype("datetime64[s]"))
        assert np.array_equal(got, want), metric


def test_each_persons_events_reach_them_through_the_profile_id(klaviyo):
    result, world = klaviyo
    events = _events_with_metric(result)
    person = events["profile_id"].map(_person_of(result, "profile_id"))

    assert person.notna().all()
    sent = world.email_events["metric"] == "sent"
    want = world.email_events.loc[~sent].groupby("person_id").size()
    got = person.value_counts()
    assert got.sort_index().equals(want.sort_index().rename("count"))


def test_profile_emails_and_external_ids_name_the_same_person_as_the_profile_id(klaviyo):
    result, world = klaviyo
    profiles = result.table("klaviyo_profiles")
    by_profile = profiles["id"].map(_person_of(result, "profile_id"))
    by_email = profiles["email"].map(_person_of(result, "email"))
    by_user = profiles["external_id"].map(_person_of(result, "user_id"))

    assert (by_profile == by_email).all()
    known = profiles["external_id"].notna()
    assert (by_user[known] == by_profile[known]).all()
    true_user = dict(zip(world.people["person_id"], world.people["user_id"]))
    assert (profiles.loc[known, "external_id"] == by_profile[known].map(true_user)).all()
    assert set(result.identities["kind"]) == {"profile_id", "email", "user_id"}
    assert result.identities["person_id"].notna().all()


def test_personal_addresses_appear_only_on_profiles_with_an_external_id(klaviyo):
    result, world = klaviyo
    profiles = result.table("klaviyo_profiles")

    personal = profiles["email"].isin(set(world.people["personal_email"]))
    assert personal.any()
    assert profiles.loc[personal, "external_id"].notna().all()


def test_clicks_carry_the_link_and_unsubscribes_the_message_they_came_from(klaviyo):
    result, _ = klaviyo
    events = _events_with_metric(result)

    clicks = events[events["metric"] == "Clicked Email"]
    assert clicks["url"].str.contains("utm_source=klaviyo&utm_medium=email").all()
    unsubscribes = events[events["metric"] == "Unsubscribed"]
    received = set(events.loc[events["metric"] == "Received Email", "message_id"])
    assert unsubscribes["message_id"].notna().mean() > 0.9
    assert set(unsubscribes["message_id"].dropna()) <= received
    onboarding = events["campaign_name"] == "Welcome aboard"
    assert events.loc[onboarding, "flow_id"].notna().all()
    assert events.loc[events["campaign_name"].str.startswith("Product newsletter", na=False),
                      "flow_id"].isna().all()


def test_pages_link_to_the_next_one_until_the_last(klaviyo):
    result, _ = klaviyo
    pages = sorted((result.folder / "events").glob("*.json"))

    documents = [orjson.loads(path.read_bytes()) for path in pages]
    assert all(doc["links"]["next"] for doc in documents[:-1])
    assert documents[-1]["links"]["next"] is None
    for doc in documents:
        pointed = {e["relationships"]["profile"]["data"]["id"] for e in doc["data"]}
        included = {r["id"] for r in doc["included"] if r["type"] == "profile"}
        assert pointed == included


def test_consumer_mode_profiles_have_no_organization(exported):
    result = exported("klaviyo", SEEDS[0], consumer=True)
    profiles = result.table("klaviyo_profiles")

    assert profiles["organization"].isna().all()
    assert result.reports["profiles"].rows_quarantined == 0


def _page(events: list[dict], included: list[dict]) -> bytes:
    return orjson.dumps({"data": events, "included": included, "links": {"next": None}})


def _event(event_id: str, attributes: dict, metric: str | None = "Mx1234") -> dict:
    relationships = {"profile": {"data": {"type": "profile", "id": "01J0AB3C4D5E6F7G8H9J0KMNPQ"}}}
    if metric is not None:
        relationships["metric"] = {"data": {"type": "metric", "id": metric}}
    return {"type": "event", "id": event_id, "attributes": attributes,
            "relationships": relationships}


def test_broken_events_are_quarantined_with_their_row_and_field_while_good_ones_load(
    tmp_path: Path, warehouse
):
    folder = tmp_path / "klaviyo"
    (folder / "events").mkdir(parents=True)
    good = {"timestamp": 1718100005, "datetime": "2024-06-11T10:00:05+00:00",
            "event_properties": {"Campaign Name": "June Newsletter"}}
    (folder / "events" / "events_0000_00001.json").write_bytes(_page(
        [
            _event("4vRpBT8MyL5", good),
            _event("4vRpBT8MyL6", {"datetime": "2024-06-11T10:00:05+00:00"}),
            _event("4vRpBT8MyL7", {**good, "timestamp": "yesterday"}),
            _event("4vRpBT8MyL8", good, metric=None),
            _event("4vRpBT8MyL9", {**good, "timestamp": {"seconds": 1718100005}}),
        ],
        [{"type": "metric", "id": "Mx1234", "attributes": {"name": "Opened Email"}},
         {"type": "profile", "id": "01J0AB3C4D5E6F7G8H9J0KMNPQ", "attributes": {}},
         {"type": "metric", "id": "Mx9999", "attributes": {}}],
    ))
    (folder / "events" / "events_0000_00002.json").write_text('{"data": [')

    events = load_object(warehouse, klaviyo_source.EVENTS, folder)
    metrics = load_object(warehouse, klaviyo_source.METRICS, folder)

    assert events.rows_loaded == 1
    assert [e.path.name for e in events.unreadable] == ["events_0000_00002.json"]
    assert "not valid JSON" in events.unreadable[0].reason
    quarantined = warehouse.execute(
        "SELECT table_name, row_number, field, reason FROM raw._quarantine "
        "ORDER BY table_name, row_number"
    ).df()
    rows = quarantined[quarantined["table_name"] == "klaviyo_events"]
    assert rows["row_number"].tolist() == [2, 3, 4, 5]
    assert rows["field"].tolist() == ["timestamp", "timestamp", "metric_id", "timestamp"]
    reasons = rows["reason"].tolist()
    assert reasons[0] == "timestamp: missing required field"
    assert reasons[1] == "timestamp: unparsable epoch_s: yesterday"
    assert reasons[2] == "metric_id: missing required field"
    assert reasons[3] == "timestamp: expected epoch_s, found object"

    assert metrics.rows_loaded == 1
    bad_metric = quarantined[quarantined["table_name"] == "klaviyo_metrics"]
    assert bad_metric["row_number"].tolist() == [3]
    assert bad_metric["field"].tolist() == ["name"]
    assert bad_metric["reason"].tolist() == ["name: missing required field"]
