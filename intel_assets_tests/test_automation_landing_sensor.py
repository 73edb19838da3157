"""The landing sensor over real files: a new file loads its object only, a file seen before
or the same content under a new name loads nothing, a re-delivered file with new content
loads again, and a file still being written waits until it is complete."""

from __future__ import annotations

import os
import time
from pathlib import Path

import dagster as dg
import pytest

from intel_assets.automation.landing_sensor import (
    landing_sensor,
    read_cursor,
    scan_settled,
    watched_objects,
)
from intel_assets.stack import parse_stack

STACK = parse_stack({"product": "none", "ads": [], "crm": "none", "support": "none",
                     "lifecycle": "none", "billing": "stripe", "surveys": "survey"})
INVOICES = dg.AssetKey(["raw", "stripe", "invoices"])
CUSTOMERS = dg.AssetKey(["raw", "stripe", "customers"])
SURVEY = dg.AssetKey(["raw", "survey", "responses"])
SETTLE = 2.0
WAIT_SETTLE = 1.0  # the in-tick wait tests sleep this long


@pytest.fixture
def instance(tmp_path: Path):
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        yield instance


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return tmp_path / "landing"


def _write(path: Path, text: str, *, age: float = 60.0) -> Path:
    """Writes a file as an exporter would, dated `age` seconds ago (0: just written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def _tick(sensor, instance, cursor: str | None):
    context = dg.build_sensor_context(instance=instance, cursor=cursor)
    result = sensor(context)
    return result, result.cursor


def _requested(result) -> list[set[dg.AssetKey]]:
    return [set(r.asset_selection) for r in result.run_requests]


def test_a_new_file_requests_only_its_objects_load_and_only_once(landing, instance):
    sensor = landing_sensor(STACK, landing, settle_seconds=SETTLE)
    first, cursor = _tick(sensor, instance, None)
    assert first.run_requests == []

    _write(landing / "stripe" / "invoices" / "invoices_0001.json", '{"data": []}')
    second, cursor = _tick(sensor, instance, cursor)
    third, cursor = _tick(sensor, instance, cursor)

    assert _requested(second) == [{INVOICES}]
    assert second.run_requests[0].tags["intel/tool"] == "stripe"
    assert third.run_requests == []


def test_new_files_of_two_tools_give_one_run_per_tool(landing, instance):
    sensor = landing_sensor(STACK, landing, settle_seconds=SETTLE)
    _, cursor = _tick(sensor, instance, None)
    _write(landing / "stripe" / "customers" / "customers_1.json", '{"data": [1]}')
    _write(landing / "stripe" / "invoices" / "invoices_1.json", '{"data": [2]}')
    _write(landing / "survey" / "responses" / "responses_1.csv", "email,score\n")

    result, _ = _tick(sensor, instance, cursor)

    assert sorted(_requested(result), key=len) == [{SURVEY}, {CUSTOMERS, INVOICES}]


def test_a_redelivered_file_loads_again_only_when_its_content_changed(landing, instance):
    sensor = landing_sensor(STACK, landing, settle_seconds=SETTLE)
    _, cursor = _tick(sensor, instance, None)
    path = _write(landing / "stripe" / "invoices" / "invoices_1.json", '{"data": [1]}')
    loaded, cursor = _tick(sensor, instance, cursor)
    assert _requested(loaded) == [{INVOICES}]

    _write(path, '{"data": [1]}', age=30)  # the same bytes again, newer date
    _write(path.with_name("invoices_copy.json"), '{"data": [1]}')  # and under a new name
    same, cursor = _tick(sensor, instance, cursor)
    assert same.run_requests == []

    _write(path, '{"data": [1, 2]}', age=20)
    changed, cursor = _tick(sensor, instance, cursor)
    assert _requested(changed) == [{INVOICES}]
    assert len(read_cursor(cursor)) == 2


def test_a_file_still_being_written_waits_until_it_has_settled(landing, instance):
    sensor = landing_sensor(STACK, landing, settle_seconds=SETTLE)
    _, cursor = _tick(sensor, instance, None)
    path = _write(landing / "stripe" / "invoices" / "invoices_big.json", '{"data": [', age=0)
    _write(landing / "stripe" / "invoices" / ".invoices_next.json", '{"da', age=60)
    _write(landing / "stripe" / "invoices" / "invoices_next.json.part", '{"da', age=60)

    writing, cursor = _tick(sensor, instance, cursor)
    assert writing.run_requests == []

    _write(path, '{"data": [1, 2, 3]}', age=0)
    still, cursor = _tick(sensor, instance, cursor)
    assert still.run_requests == []

    stamp = time.time() - SETTLE - 1
    os.utime(path, (stamp, stamp))
    done, cursor = _tick(sensor, instance, cursor)
    assert _requested(done) == [{INVOICES}]
    assert list(read_cursor(cursor)) == [str(path)]


def test_on_its_first_tick_files_older_than_the_latest_load_do_not_trigger(landing, instance):
    old = _write(landing / "stripe" / "invoices" / "invoices_old.json", '{"data": [0]}', age=600)
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=INVOICES))
    _write(landing / "stripe" / "customers" / "customers_new.json", '{"data": [1]}', age=600)
    sensor = landing_sensor(STACK, landing, settle_seconds=SETTLE)

    first, cursor = _tick(sensor, instance, None)

    assert _requested(first) == [{CUSTOMERS}]
    assert str(old) in read_cursor(cursor)


def test_a_vanished_folder_or_file_is_not_an_error(landing, instance):
    sensor = landing_sensor(STACK, landing / "nowhere", settle_seconds=SETTLE)

    result, cursor = _tick(sensor, instance, None)

    assert result.run_requests == [] and read_cursor(cursor) == {}


# A tick that finds a file about to settle waits for it, so the file loads on that tick
# instead of the next one 5 s later; a file written to during the wait is still left until it
# has been untouched for the settle time.

def test_a_file_about_to_settle_loads_on_the_same_tick(tmp_path: Path, instance):
    landing = tmp_path / "landing"
    sensor = landing_sensor(STACK, landing, settle_seconds=WAIT_SETTLE, wait_seconds=WAIT_SETTLE)
    _, cursor = _tick(sensor, instance, None)
    _write(landing / "stripe" / "invoices" / "invoices_1.json", '{"data": [1]}', age=0)

    started = time.monotonic()
    result, _ = _tick(sensor, instance, cursor)

    assert [set(r.asset_selection) for r in result.run_requests] == [{INVOICES}]
    assert time.monotonic() - started >= WAIT_SETTLE * 0.9


def test_a_file_written_to_during_the_wait_is_left_to_a_later_tick(tmp_path: Path):
    landing = tmp_path / "landing"
    path = _write(landing / "stripe" / "invoices" / "invoices_1.json", '{"data": [', age=0)
    watched = watched_objects(STACK, landing)
    waits: list[float] = []

    def writer_keeps_writing(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)
        _write(path, '{"data": [1, 2', age=0)

    found = scan_settled(watched, {}, loaded_before={}, settle_seconds=WAIT_SETTLE,
                         wait_seconds=WAIT_SETTLE, sleep=writer_keeps_writing)

    assert len(waits) == 1 and 0 < waits[0] <= WAIT_SETTLE
    assert found.new_files == {} and found.settling == [str(path)]


def test_a_file_further_from_settling_than_the_wait_is_not_waited_for(tmp_path: Path):
    landing = tmp_path / "landing"
    path = _write(landing / "stripe" / "invoices" / "invoices_1.json", '{"data": [1]}', age=0)
    waits: list[float] = []

    found = scan_settled(watched_objects(STACK, landing), {}, loaded_before={},
                         settle_seconds=10 * WAIT_SETTLE, wait_seconds=WAIT_SETTLE,
                         sleep=waits.append)

    assert waits == [] and found.settling == [str(path)]
