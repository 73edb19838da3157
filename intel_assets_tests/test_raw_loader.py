"""The raw loader keeps every good row, quarantines every bad one with its reason, never
loads a file's content twice and never loses earlier data to an unreadable file."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest

from intel_assets.sources.loader import load_object
from intel_assets.sources.readers import csv_rows, json_document, jsonl
from intel_assets.sources.spec import Column, RawObject
from intel_assets.sources.tools.stripe import CUSTOMERS

EVENTS = RawObject(
    tool="sample",
    name="events",
    family="product",
    reader=jsonl(),
    patterns=("*.jsonl", "*.jsonl.gz"),
    description="Sample events.",
    columns=(
        Column("event", "event", required=True),
        Column("time", "properties.time", "epoch_s", required=True),
        Column("distinct_id", "properties.distinct_id"),
        Column("insert_id", 'properties."$insert_id"'),
        Column("amount", "properties.amount", "decimal"),
        Column("count", "properties.count", "integer"),
        Column("is_paid", "properties.paid", "boolean"),
        Column("seen_at", "properties.seen_at", "timestamp"),
        Column("properties", "properties", "json"),
    ),
)

GOOD = {"event": "Signed Up", "properties": {"time": 1717232611, "distinct_id": "u1",
                                             "$insert_id": "a1", "amount": "12.50",
                                             "count": "3", "paid": True,
                                             "seen_at": "2024-06-01T11:03:31+02:00"}}


def _line(record: object) -> str:
    return record if isinstance(record, str) else json.dumps(record)


def _write(folder: Path, name: str, records: list[object]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("\n".join(_line(r) for r in records) + "\n")
    return path


def _quarantine(con) -> list[tuple]:
    return con.execute(
        "SELECT source_file, row_number, field, reason FROM raw._quarantine ORDER BY row_number"
    ).fetchall()


def test_a_partly_bad_file_loads_its_good_rows_and_quarantines_each_bad_one(tmp_path, warehouse):
    bad_time = {**GOOD, "properties": {**GOOD["properties"], "time": "yesterday"}}
    no_event = {"properties": GOOD["properties"]}
    wrong_type = {**GOOD, "properties": {**GOOD["properties"], "distinct_id": {"id": 1}}}
    bad_int = {**GOOD, "properties": {**GOOD["properties"], "count": "three"}}
    _write(tmp_path / "in", "day1.jsonl",
           [GOOD, "{not json", bad_time, no_event, wrong_type, bad_int, "[1, 2]", GOOD])

    report = load_object(warehouse, EVENTS, tmp_path / "in")

    assert (report.rows_loaded, report.rows_quarantined) == (2, 6)
    rows = _quarantine(warehouse)
    assert [(r[1], r[2]) for r in rows] == [
        (2, None), (3, "time"), (4, "event"), (5, "distinct_id"), (6, "count"), (7, None),
    ]
    reasons = [r[3] for r in rows]
    assert reasons[0] == "not valid JSON"
    assert reasons[1] == "time: unparsable epoch_s: yesterday"
    assert reasons[2] == "event: missing required field"
    assert reasons[3] == "distinct_id: expected string, found object"
    assert reasons[4] == "count: unparsable integer: three"
    assert reasons[5] == "expected a JSON object, found array"
    assert {r[0] for r in rows} == {"day1.jsonl"}


def test_values_are_cast_to_their_declared_types_in_utc(tmp_path, warehouse):
    _write(tmp_path / "in", "day1.jsonl", [GOOD])

    load_object(warehouse, EVENTS, tmp_path / "in")

    row = warehouse.execute(
        "SELECT time, amount, count, is_paid, seen_at, properties->>'$.distinct_id', "
        "_source_file, _row_number FROM raw.sample_events"
    ).fetchall()[0]
    assert str(row[0]) == "2024-06-01 09:03:31"
    assert float(row[1]) == 12.5 and row[2] == 3 and row[3] is True
    assert str(row[4]) == "2024-06-01 09:03:31"
    assert row[5:] == ("u1", "day1.jsonl", 1)


def test_booleans_read_the_words_exports_use_and_refuse_the_rest(tmp_path, warehouse):
    words = ["TRUE", " false ", "Yes", "no", "1", "0", "maybe"]
    _write(tmp_path / "in", "day1.jsonl",
           [{**GOOD, "properties": {**GOOD["properties"], "paid": w}} for w in words])

    report = load_object(warehouse, EVENTS, tmp_path / "in")

    paid = warehouse.execute("SELECT is_paid FROM raw.sample_events ORDER BY _row_number")
    assert [r[0] for r in paid.fetchall()] == [True, False, True, False, True, False]
    assert report.rows_quarantined == 1
    assert _quarantine(warehouse)[0][2:] == ("is_paid", "is_paid: unparsable boolean: maybe")


def test_loading_the_same_file_twice_loads_nothing_twice(tmp_path, warehouse):
    folder = tmp_path / "in"
    _write(folder, "day1.jsonl", [GOOD, GOOD, "{bad"])

    first = load_object(warehouse, EVENTS, folder)
    shutil.copyfile(folder / "day1.jsonl", folder / "day1-redelivered.jsonl")
    second = load_object(warehouse, EVENTS, folder)

    assert first.rows_loaded == 2 and first.rows_quarantined == 1
    assert second.rows_loaded == 0 and second.files_skipped == 2
    assert warehouse.execute("SELECT count(*) FROM raw.sample_events").fetchall() == [(2,)]
    assert warehouse.execute("SELECT count(*) FROM raw._quarantine").fetchall() == [(1,)]


def test_a_new_file_beside_loaded_ones_is_the_only_one_read(tmp_path, warehouse):
    folder = tmp_path / "in"
    _write(folder, "day1.jsonl", [GOOD])
    load_object(warehouse, EVENTS, folder)
    _write(folder, "day2.jsonl", [GOOD, GOOD, GOOD])

    report = load_object(warehouse, EVENTS, folder)

    assert [f.path for f in report.loaded] == ["day2.jsonl"]
    assert report.total_rows == 4


def test_an_unreadable_file_is_reported_by_name_and_loses_no_earlier_data(tmp_path, warehouse):
    folder = tmp_path / "in"
    _write(folder, "day1.jsonl", [GOOD])
    load_object(warehouse, EVENTS, folder)
    (folder / "day2.jsonl.gz").write_bytes(b"\x1f\x8b" + b"this is not gzip at all")
    _write(folder, "day3.jsonl", [GOOD, GOOD])

    report = load_object(warehouse, EVENTS, folder)

    assert len(report.unreadable) == 1
    assert re.search(r"day2\.jsonl\.gz: cannot be read", str(report.unreadable[0]))
    assert [f.path for f in report.loaded] == ["day3.jsonl"]
    assert report.total_rows == 3
    assert (folder / "day2.jsonl.gz").exists()


def test_gzip_files_are_read_by_their_content(tmp_path, warehouse):
    folder = tmp_path / "in"
    folder.mkdir()
    with gzip.open(folder / "day1.jsonl.gz", "wt") as handle:
        handle.write(json.dumps(GOOD) + "\n" + json.dumps(GOOD) + "\n")

    report = load_object(warehouse, EVENTS, folder)

    assert report.rows_loaded == 2


def test_a_column_added_to_a_declaration_is_added_to_the_existing_table(tmp_path, warehouse):
    folder = tmp_path / "in"
    _write(folder, "day1.jsonl", [GOOD])
    narrow = RawObject(**{**EVENTS.__dict__, "columns": EVENTS.columns[:3]})
    load_object(warehouse, narrow, folder)
    _write(folder, "day2.jsonl", [GOOD, GOOD])

    load_object(warehouse, EVENTS, folder)

    counts = warehouse.execute(
        "SELECT count(*), count(insert_id) FROM raw.sample_events"
    ).fetchall()
    assert counts == [(3, 2)]


def test_a_stripe_page_with_bad_records_keeps_the_good_customers(tmp_path, warehouse):
    folder = tmp_path / "stripe" / "customers"
    folder.mkdir(parents=True)
    page = {"object": "list", "url": "/v1/customers", "has_more": False, "data": [
        {"id": "cus_A", "object": "customer", "email": "a@x.io", "created": 1718190000},
        {"id": "cus_B", "object": "customer", "email": "b@x.io", "created": "soon"},
        {"object": "customer", "email": "c@x.io", "created": 1718190000},
        {"id": "cus_D", "object": "customer", "email": ["d@x.io"], "created": 1718190000},
    ]}
    (folder / "customers_0001.json").write_text(json.dumps(page))

    report = load_object(warehouse, CUSTOMERS, tmp_path / "stripe")

    assert report.rows_loaded == 1
    assert [(r[1], r[2]) for r in _quarantine(warehouse)] == [
        (2, "created"), (3, "id"), (4, "email"),
    ]


def test_a_json_document_without_its_envelope_is_unreadable(tmp_path, warehouse):
    folder = tmp_path / "stripe" / "customers"
    folder.mkdir(parents=True)
    (folder / "customers_0001.json").write_text(json.dumps({"object": "list", "items": []}))

    report = load_object(warehouse, CUSTOMERS, tmp_path / "stripe")

    assert "the envelope has no 'data'" in str(report.unreadable[0])


@pytest.mark.parametrize(
    ("content", "row", "reason"),
    [
        ('"id","name"\n"1","a"\n"2"\n"3","c"\n', 3, "expected 2 fields, found 1"),
        ('"id","name"\n"1","a"\n"2","b","extra"\n', 3, "expected 2 fields, found 3"),
    ],
)
def test_csv_rows_with_the_wrong_number_of_fields_are_quarantined(
    tmp_path, warehouse, content, row, reason
):
    table = RawObject("sample", "csv", "crm", csv_rows(), ("*.csv",),
                      (Column("id", "id", required=True), Column("name", "name")), "Sample.")
    (tmp_path / "a.csv").write_text(content)

    load_object(warehouse, table, tmp_path)

    assert (row, None, reason) in [r[1:] for r in _quarantine(warehouse)]


def test_json_document_reader_flattens_a_list_of_pages(tmp_path):
    path = tmp_path / "stream.json"
    path.write_text(json.dumps([{"results": [{"a": 1}, {"a": 2}]}, {"results": [{"a": 3}]}]))

    records = list(json_document(["*", "results"])(path))

    assert [r.row_number for r in records] == [1, 2, 3]
    assert [json.loads(r.text)["a"] for r in records] == [1, 2, 3]
