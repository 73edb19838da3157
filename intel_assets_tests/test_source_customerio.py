"""Customer.io reporting webhook bodies parse into email events that agree with the world they
were exported from once the at-least-once repeats are dropped, and with the answer key."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import orjson
import pandas as pd
import pytest

from intel_assets.demo.exports.lifecycle import ulid_millis
from intel_assets.sources.catalog import tool_objects
from intel_assets.sources.loader import load_object
from intel_assets.sources.tools.customerio import EVENTS
from intel_assets_tests.conftest import SEEDS, ExportedTool, export_tool, small_world

CROCKFORD_ULID = r"^[0-9A-HJKMNP-TV-Z]{26}$"


@pytest.fixture(scope="module", params=SEEDS)
def customerio(request, tmp_path_factory) -> tuple[ExportedTool, pd.DataFrame]:
    """Exports and loads each seed once for the module: a day per file makes many files."""
    small = small_world(request.param)
    root = tmp_path_factory.mktemp(f"customerio_{request.param}")
    folder, identities = export_tool("customerio", small, root / "landing")
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    con.execute("SET TimeZone = 'UTC'")
    reports = {obj.name: load_object(con, obj, folder) for obj in tool_objects("customerio")}
    yield ExportedTool(folder, identities, reports, con), small.world
    con.close()


def _unique(result: ExportedTool) -> pd.DataFrame:
    return result.table("customerio_email_events").drop_duplicates("event_id")


def _person_of(result: ExportedTool, kind: str) -> dict[str, str]:
    keyed = result.identities[result.identities["kind"] == kind]
    return dict(zip(keyed["identifier"], keyed["person_id"]))


def test_every_body_loads_without_a_quarantined_row_from_its_days_file(customerio):
    result, _ = customerio
    report = result.reports["email_events"]
    events = result.table("customerio_email_events")

    assert report.rows_quarantined == 0
    assert report.unreadable == []
    folder_day = events["_source_file"].map(lambda name: Path(name).parent.name)
    assert (folder_day == events["timestamp"].dt.strftime("%Y-%m-%d")).all()


def test_repeated_bodies_share_their_event_id_and_everything_else(customerio):
    result, world = customerio
    events = result.table("customerio_email_events")

    repeats = len(events) - events["event_id"].nunique()
    assert 0 < repeats < 0.02 * len(world.email_events)
    twice = events[events["event_id"].duplicated(keep=False)]
    assert twice.groupby("event_id")[["metric", "timestamp", "delivery_id", "data"]].nunique(
        dropna=False
    ).max().max() == 1


def test_unique_events_match_the_world_metric_by_metric(customerio):
    result, world = customerio
    events = _unique(result)

    assert len(events) == len(world.email_events)
    assert events["metric"].value_counts().sort_index().to_dict() == (
        world.email_events["metric"].value_counts().sort_index().to_dict()
    )
    assert (events["object_type"] == "email").all()


def test_event_ids_are_ulids_that_carry_the_event_time(customerio):
    result, _ = customerio
    events = _unique(result)

    assert events["event_id"].str.fullmatch(CROCKFORD_ULID).all()
    seconds = ulid_millis(events["event_id"]) // 1000
    stamps = events["timestamp"].to_numpy().astype("datetime64[s]").astype(np.int64)
    assert np.array_equal(seconds, stamps)


def test_event_times_round_trip_to_the_worlds_utc_times(customerio):
    result, world = customerio
    events = _unique(result)

    for metric, times in world.email_events.groupby("metric")["time"]:
        want = np.sort(times.to_numpy().astype("datetime64[s]"))
        got = np.sort(events.loc[events["metric"] == metric, "timestamp"].to_numpy()
                      .astype("datetime64[s]"))
        assert np.array_equal(got, want), metric


def test_every_identifier_names_the_same_person_as_the_answer_key(customerio):
    result, world = customerio
    events = _unique(result)
    by_cio = events["cio_id"].map(_person_of(result, "profile_id"))
    by_email = events["identifier_email"].map(_person_of(result, "email"))
    by_user = events["identifier_id"].map(_person_of(result, "user_id"))

    assert by_cio.notna().all()
    assert (by_cio == by_email).all()
    known = events["identifier_id"].notna()
    assert (by_user[known] == by_cio[known]).all()
    assert (events.loc[known, "customer_id"] == events.loc[known, "identifier_id"]).all()
    assert events["cio_id"].str.fullmatch(r"[0-9a-f]{12}").all()
    want = world.email_events.groupby("person_id").size()
    assert by_cio.value_counts().sort_index().equals(want.sort_index().rename("count"))


def test_people_added_by_email_alone_have_no_id_and_no_personal_address(customerio):
    result, world = customerio
    events = _unique(result)

    anonymous = events["identifier_id"].isna()
    assert 0 < anonymous.mean() < 0.25
    assert events.loc[anonymous, "customer_id"].isna().all()
    personal = events["identifier_email"].isin(set(world.people["personal_email"]))
    assert personal.any()
    assert events.loc[personal, "identifier_id"].notna().all()


def test_every_event_of_a_delivery_belongs_to_one_person_and_one_message(customerio):
    result, _ = customerio
    events = _unique(result)
    messages = events[events["delivery_id"].notna()]

    assert messages["delivery_id"].str.fullmatch(r"[A-Za-z0-9_-]{26}==").all()
    per_delivery = messages.groupby("delivery_id")[["cio_id", "campaign_id", "action_id",
                                                     "newsletter_id"]].nunique(dropna=False)
    assert (per_delivery == 1).all().all()
    onboarding = messages["campaign_id"].notna()
    assert messages.loc[onboarding, "action_id"].notna().all()
    assert messages.loc[~onboarding, "newsletter_id"].notna().all()
    unsubscribes = events[events["metric"] == "unsubscribed"]
    assert unsubscribes["delivery_id"].notna().mean() > 0.9


def test_clicks_carry_the_link_and_bounces_the_failure(customerio):
    result, _ = customerio
    events = _unique(result)

    clicks = events[events["metric"] == "clicked"]
    assert clicks["href"].str.contains("utm_source=customerio&utm_medium=email").all()
    assert clicks["link_id"].notna().all()
    bounces = events[events["metric"] == "bounced"]
    assert bounces["failure_message"].str.startswith("550").all()
    delivered = events[events["metric"] == "delivered"]
    assert delivered["subject"].notna().all()
    assert (delivered["recipient"] == delivered["identifier_email"]).all()


def test_broken_bodies_are_quarantined_with_their_line_and_field_while_good_ones_load(
    tmp_path: Path, warehouse
):
    folder = tmp_path / "customerio"
    day = folder / "webhooks" / "2024-06-11"
    day.mkdir(parents=True)
    good = {"event_id": "01J0AB3C4D5E6F7G8H9J0KMNPQ", "object_type": "email",
            "metric": "delivered", "timestamp": 1718100003,
            "data": {"identifiers": {"id": "usr_4821", "email": "dana@example.com",
                                     "cio_id": "a3000001"}, "delivery_id": "ZAIAAVTJ=="}}
    lines = [
        orjson.dumps(good).decode(),
        '{"event_id": "01J0AB9Z8Y7X6W5V4T3S2R1QPN", "metric": "opened", "timest',
        orjson.dumps({k: v for k, v in good.items() if k != "event_id"}).decode(),
        "",
        orjson.dumps({**good, "event_id": "01J0ABC", "timestamp": "soon"}).decode(),
        orjson.dumps({**good, "event_id": "01J0ABD", "metric": ["opened"]}).decode(),
        orjson.dumps(["not", "an", "object"]).decode(),
    ]
    (day / "reporting_webhooks_0000.jsonl").write_text("\n".join(lines) + "\n")

    report = load_object(warehouse, EVENTS, folder)

    assert report.rows_loaded == 1
    assert report.rows_quarantined == 5
    rows = warehouse.execute(
        "SELECT row_number, field, reason FROM raw._quarantine ORDER BY row_number"
    ).df()
    assert rows["row_number"].tolist() == [2, 3, 5, 6, 7]
    assert rows["field"].tolist()[1:4] == ["event_id", "timestamp", "metric"]
    assert rows["reason"].tolist() == [
        "not valid JSON",
        "event_id: missing required field",
        "timestamp: unparsable epoch_s: soon",
        "metric: expected string, found array",
        "expected a JSON object, found array",
    ]
    loaded = warehouse.execute('SELECT * FROM raw."customerio_email_events"').df()
    assert loaded["identifier_id"].tolist() == ["usr_4821"]
    assert loaded["_row_number"].tolist() == [1]
