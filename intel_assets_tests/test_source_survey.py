"""Survey CSV files parse into one row per response with the world's scores, comments and
times, under the addresses the answer key names, and bad rows are set aside."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from intel_assets.demo.exports.survey import HEADER, response_ids, write_csv
from intel_assets.sources.catalog import tool_objects
from intel_assets.sources.loader import QUARANTINE, load_object
from intel_assets_tests.conftest import SEEDS, small_world

TOOL = "survey"
RESPONSES = tool_objects(TOOL)[0]


def _in_file_order(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values(["_source_file", "_row_number"]).reset_index(drop=True)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_response_is_one_row_and_nothing_is_quarantined(exported, seed):
    result = exported(TOOL, seed)
    responses = result.table("survey_responses")
    world = small_world(seed).world

    assert result.reports["responses"].rows_quarantined == 0
    assert len(responses) == len(world.survey_responses) > 0
    assert responses["response_id"].is_unique
    assert responses["response_id"].str.fullmatch(r"[1-9]\d{7,8}").all()
    assert (responses["survey_type"] == "nps").all()
    header = next((result.folder / "responses").glob("responses_0000.csv")).read_text()
    assert header.splitlines()[0] == "Response ID,Email,Score,Comment,Created At,Survey Type"


@pytest.mark.parametrize("seed", SEEDS)
def test_scores_comments_and_times_round_trip_to_the_world(exported, seed):
    responses = _in_file_order(exported(TOOL, seed).table("survey_responses"))
    world = small_world(seed).world.survey_responses

    assert (responses["score"].to_numpy() == world["score"].to_numpy()).all()
    assert responses["score"].between(0, 10).all()
    assert (responses["created_at"].to_numpy() == world["created_at"].to_numpy()).all()
    expected = [None if pd.isna(text) else text for text in world["comment"]]
    got = [None if pd.isna(text) else text for text in responses["comment"]]
    assert got == expected
    assert any("," in text for text in got if text), "some comments need quoting"


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("consumer", [False, True])
def test_emails_are_work_addresses_with_drift_and_agree_with_the_answer_key(
    exported, seed, consumer
):
    result = exported(TOOL, seed, consumer=consumer)
    responses = _in_file_order(result.table("survey_responses"))
    small = small_world(seed, consumer=consumer).world
    truth = small.survey_responses.merge(small.people, on="person_id", how="left")

    normalised = responses["email"].str.lower().str.replace(r"\+survey@", "@", regex=True)
    assert (normalised.to_numpy() == truth["email"].to_numpy()).all()
    assert not responses["email"].isin(small.people["personal_email"]).any()
    assert (responses["email"] != truth["email"].to_numpy()).any(), "some addresses drift"

    key = result.identities
    assert set(key["kind"]) == {"email"}
    assert set(key["identifier"]) == set(responses["email"])
    owner = dict(zip(key["identifier"], key["person_id"]))
    assert [owner[e] for e in responses["email"]] == truth["person_id"].tolist()
    assert key["account_id"].notna().all()


def test_comments_with_quotes_commas_and_line_breaks_load_exactly(tmp_path, warehouse):
    comments = ['Love the "Saved views" tab, truly.', 'Two lines:\n"fast", cheap', None]
    rows = [
        (f"{100 + i}", "dana.ortiz@northwind-labs.com", 9, text, "2024-06-17T16:00:00Z", "nps")
        for i, text in enumerate(comments)
    ]
    write_csv(tmp_path / "responses_0000.csv", rows)

    report = load_object(warehouse, RESPONSES, tmp_path)
    loaded = warehouse.execute(
        "SELECT comment, _row_number FROM raw.survey_responses ORDER BY response_id"
    ).fetchall()
    assert report.rows_quarantined == 0
    assert loaded == [(comments[0], 2), (comments[1], 4), (None, 5)]


def test_malformed_rows_are_quarantined_with_their_line_and_field(tmp_path, warehouse):
    lines = [
        ",".join(HEADER),
        "88213,dana.ortiz@northwind-labs.com,9,Setup was painless.,2024-06-17T16:00:00Z,nps",
        "88214,sam.lee@northwind-labs.com,eleven,,2024-06-17T17:00:00Z,nps",
        ",kim.roe@northwind-labs.com,4,,2024-06-17T18:00:00Z,nps",
        "88216,ali.khan@northwind-labs.com,7,,yesterday,nps",
        "88217,jo.park@northwind-labs.com,8,Good, but pricing is steep.,2024-06-17T19:00:00Z,nps",
        "88218,lee.wong@northwind-labs.com,10,,2024-06-17T20:00:00+02:00,nps",
    ]
    (tmp_path / "responses_0000.csv").write_text("\r\n".join(lines) + "\r\n")

    report = load_object(warehouse, RESPONSES, tmp_path)
    quarantined = warehouse.execute(
        f"SELECT row_number, field, reason FROM {QUARANTINE} ORDER BY row_number"
    ).fetchall()
    assert quarantined == [
        (3, "score", "score: unparsable integer: eleven"),
        (4, "response_id", "response_id: missing required field"),
        (5, "created_at", "created_at: unparsable timestamp: yesterday"),
        (6, None, "expected 6 fields, found 7"),
    ]
    loaded = warehouse.execute(
        "SELECT response_id, score, strftime(created_at, '%Y-%m-%d %H:%M') "
        "FROM raw.survey_responses ORDER BY _row_number"
    ).fetchall()
    assert loaded == [("88213", 9, "2024-06-17 16:00"), ("88218", 10, "2024-06-17 18:00")]
    assert report.rows_loaded == 2


@pytest.mark.parametrize(
    ("score", "reason"),
    [
        ("11", "score: out of range [0, 10]: 11"),
        ("-1", "score: out of range [0, 10]: -1"),
        ("9.5", "score: unparsable integer: 9.5"),
    ],
)
def test_a_score_that_is_not_a_whole_number_from_zero_to_ten_is_quarantined(
    tmp_path, warehouse, score, reason
):
    lines = [
        ",".join(HEADER), f"88219,dana.ortiz@northwind-labs.com,{score},,2024-06-17T16:00:00Z,nps"
    ]
    (tmp_path / "responses_0000.csv").write_text("\n".join(lines) + "\n")

    load_object(warehouse, RESPONSES, tmp_path)
    quarantined = warehouse.execute(f"SELECT field, reason FROM {QUARANTINE}").fetchall()
    assert quarantined == [("score", reason)]


def test_response_ids_are_unique_across_chunks():
    first = response_ids(SEEDS[0], 0, pd.RangeIndex(5_000).to_numpy())
    second = response_ids(SEEDS[0], 1, pd.RangeIndex(5_000).to_numpy())
    together = list(first) + list(second)
    assert len(set(together)) == len(together)
    assert all(re.fullmatch(r"[1-9]\d{7,8}", value) for value in together)
