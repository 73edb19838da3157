"""Meta Insights pages parse into one row per campaign per day with the world's spend, 18-digit
campaign ids kept whole as strings, and conversions inside the `actions` list."""

from __future__ import annotations

import numpy as np
import orjson
import pandas as pd
import pytest

from intel_assets.demo.exports.base import IDENTITY_COLUMNS
from intel_assets.demo.exports.meta_ads import LEAD, REGISTRATION
from intel_assets.demo.world import TOTAL_DAYS, ad_spend
from intel_assets.sources.catalog import tool_objects
from intel_assets.sources.loader import QUARANTINE, load_object
from intel_assets_tests.conftest import SEEDS, small_world

TOOL = "meta_ads"


def _world(seed: int) -> pd.DataFrame:
    spend = ad_spend(small_world(seed).company)
    return spend[spend["channel"] == TOOL]


def _actions(insights: pd.DataFrame) -> pd.DataFrame:
    """One row per (insight row, action), values as numbers."""
    rows = [
        {"row": row, "campaign_name": name, "action_type": a["action_type"],
         "value": float(a["value"])}
        for row, name, actions in zip(insights.index, insights["campaign_name"],
                                      insights["actions"])
        if pd.notna(actions)
        for a in orjson.loads(actions)
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_campaign_has_every_day_once_and_nothing_is_quarantined(exported, seed):
    result = exported(TOOL, seed)
    insights = result.table("meta_ads_campaign_insights")
    world = _world(seed)

    assert result.reports["campaign_insights"].rows_quarantined == 0
    assert len(insights) == len(world) == TOTAL_DAYS * world["campaign_key"].nunique()
    assert (insights["date_start"] == insights["date_stop"]).all()
    assert insights.groupby(["campaign_id", "date_start"]).size().eq(1).all()
    assert (insights.groupby("campaign_id")["date_start"].nunique() == TOTAL_DAYS).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_spend_per_campaign_equals_the_world_to_the_cent(exported, seed):
    insights = exported(TOOL, seed).table("meta_ads_campaign_insights")
    world = _world(seed)

    cents = np.rint(insights["spend"].astype(float) * 100).astype(np.int64)
    got = cents.groupby(insights["campaign_name"]).sum()
    expected = np.rint(world["spend"] * 100).astype(np.int64).groupby(world["campaign_name"]).sum()
    assert got.to_dict() == expected.to_dict()
    assert (insights["account_currency"] == "USD").all()


@pytest.mark.parametrize("seed", SEEDS)
def test_campaign_ids_are_18_digit_int64_strings_above_2_53_that_survive_whole(exported, seed):
    result = exported(TOOL, seed)
    insights = result.table("meta_ads_campaign_insights")
    written = {
        row["campaign_id"]
        for path in (result.folder / "campaign_insights").glob("*.json")
        for row in orjson.loads(path.read_bytes())["data"]
    }

    assert insights["campaign_id"].str.fullmatch(r"120\d{15}").all()
    assert all(int(value) > 2**53 for value in insights["campaign_id"])
    assert set(insights["campaign_id"]) == written
    assert insights.groupby("campaign_id")["campaign_name"].nunique().eq(1).all()
    assert insights["account_id"].str.fullmatch(r"\d{16}").all()


@pytest.mark.parametrize("seed", SEEDS)
def test_conversions_sit_in_actions_as_the_world_rounded(exported, seed):
    insights = exported(TOOL, seed).table("meta_ads_campaign_insights")
    world = _world(seed)
    actions = _actions(insights)

    conversions = actions[actions["action_type"].isin([LEAD, REGISTRATION])]
    got = conversions.groupby("campaign_name")["value"].sum()
    expected = world.groupby("campaign_name")["conversions"].sum()
    assert (got.reindex(expected.index).fillna(0) - expected).abs().max() <= 0.5 + 1e-9
    kinds = conversions.groupby("campaign_name")["action_type"].agg(set)
    assert {LEAD} in list(kinds) and {REGISTRATION} in list(kinds)
    for name, kind in kinds.items():
        assert kind == ({LEAD} if name.startswith("Retargeting") else {REGISTRATION})
    link = actions[actions["action_type"] == "link_click"].set_index("row")["value"]
    assert (link <= insights["clicks"].reindex(link.index)).all()
    assert set(actions["action_type"]) <= {"link_click", LEAD, REGISTRATION}


def test_every_page_but_the_last_points_to_the_next(exported):
    result = exported(TOOL, SEEDS[0])
    files = sorted((result.folder / "campaign_insights").glob("*.json"))
    pages = [orjson.loads(path.read_bytes()) for path in files]

    assert len(pages) > 1
    for page in pages[:-1]:
        assert page["paging"]["next"].endswith("after=" + page["paging"]["cursors"]["after"])
    assert "next" not in pages[-1]["paging"]
    assert all(set(page["paging"]["cursors"]) == {"before", "after"} for page in pages)
    row = pages[0]["data"][0]
    assert all(isinstance(row[key], str) for key in ("spend", "impressions", "clicks"))


def test_ad_platforms_name_no_people_in_the_answer_key(exported):
    identities = exported(TOOL, SEEDS[0]).identities

    assert identities.empty
    assert tuple(identities.columns) == IDENTITY_COLUMNS


def test_malformed_rows_are_quarantined_while_a_big_id_loads_intact(exported, warehouse):
    result = exported(TOOL, SEEDS[0])
    good = {
        "account_id": "1029384756", "campaign_id": "120210987654321001",
        "campaign_name": "Prospecting LAL", "date_start": "2024-06-03",
        "date_stop": "2024-06-03", "spend": "212.37", "impressions": "18450", "clicks": "402",
        "actions": [{"action_type": "lead", "value": "9"}],
    }
    no_id = {key: value for key, value in good.items() if key != "campaign_id"}
    rows = [
        no_id,
        {**good, "spend": "212,37"},
        good,
        {**good, "date_start": "2024-13-01"},
        {**good, "clicks": {"value": "402"}},
    ]
    page = {"data": rows, "paging": {"cursors": {"before": "MAZDZD", "after": "NAZDZD"}}}
    (result.folder / "campaign_insights" / "broken.json").write_bytes(orjson.dumps(page))

    report = load_object(warehouse, tool_objects(TOOL)[0], result.folder)
    quarantined = warehouse.execute(
        f"SELECT row_number, field, reason FROM {QUARANTINE} "
        "WHERE source_file LIKE '%broken.json' ORDER BY row_number"
    ).fetchall()
    assert quarantined == [
        (1, "campaign_id", "campaign_id: missing required field"),
        (2, "spend", "spend: unparsable decimal: 212,37"),
        (4, "date_start", "date_start: unparsable date: 2024-13-01"),
        (5, "clicks", "clicks: expected integer, found object"),
    ]
    assert report.rows_loaded == 1
    loaded = warehouse.execute(
        "SELECT campaign_id, spend, _row_number FROM raw.meta_ads_campaign_insights "
        "WHERE _source_file LIKE '%broken.json'"
    ).fetchall()
    assert [(c, float(s), n) for c, s, n in loaded] == [("120210987654321001", 212.37, 3)]
    assert float(int("120210987654321001")) != 120210987654321001, "a float would lose digits"
