"""LinkedIn adAnalytics responses parse into one row per campaign per day with the world's
spend, and the adCampaigns listing names every campaign the analytics pivot on."""

from __future__ import annotations

import numpy as np
import orjson
import pandas as pd
import pytest

from intel_assets.demo.exports.base import IDENTITY_COLUMNS
from intel_assets.demo.world import TOTAL_DAYS, ad_spend
from intel_assets.sources.catalog import tool_objects
from intel_assets.sources.loader import QUARANTINE, load_object
from intel_assets_tests.conftest import SEEDS, small_world

TOOL = "linkedin_ads"
URN = "urn:li:sponsoredCampaign:"


def _world(seed: int) -> pd.DataFrame:
    spend = ad_spend(small_world(seed).company)
    return spend[spend["channel"] == TOOL]


def _named(analytics: pd.DataFrame, campaigns: pd.DataFrame) -> pd.DataFrame:
    """Analytics joined to the listing on the URN's numeric suffix, as staging does."""
    analytics = analytics.assign(campaign_id=analytics["pivot_value"].str.removeprefix(URN))
    return analytics.merge(
        campaigns[["id", "name"]], left_on="campaign_id", right_on="id", how="left",
        validate="many_to_one",
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_every_campaign_has_every_day_once_and_nothing_is_quarantined(exported, seed):
    result = exported(TOOL, seed)
    analytics = result.table("linkedin_ads_ad_analytics")
    world = _world(seed)

    assert result.reports["ad_analytics"].rows_quarantined == 0
    assert result.reports["campaigns"].rows_quarantined == 0
    assert len(analytics) == len(world) == TOTAL_DAYS * world["campaign_key"].nunique()
    assert (analytics["date_start"] == analytics["date_end"]).all()
    assert analytics.groupby(["pivot_value", "date_start"]).size().eq(1).all()
    assert (analytics.groupby("pivot_value")["date_start"].nunique() == TOTAL_DAYS).all()
    assert analytics["date_start"].min() == world["date"].min()
    assert analytics["date_start"].max() == world["date"].max()


@pytest.mark.parametrize("seed", SEEDS)
def test_the_campaign_listing_names_every_pivot_urn(exported, seed):
    result = exported(TOOL, seed)
    campaigns = result.table("linkedin_ads_campaigns")
    named = _named(result.table("linkedin_ads_ad_analytics"), campaigns)
    company = small_world(seed).company

    assert named["name"].notna().all()
    assert campaigns["id"].str.fullmatch(r"[1-9]\d{8}").all()
    assert campaigns["id"].is_unique
    assert named["pivot_value"].str.fullmatch(URN + r"[1-9]\d{8}").all()
    assert sorted(campaigns["name"]) == sorted(
        company.campaigns.loc[company.campaigns["channel"] == TOOL, "name"]
    )
    assert campaigns["account"].str.fullmatch(r"urn:li:sponsoredAccount:\d{9}").all()
    assert (campaigns["status"] == "ACTIVE").all()


@pytest.mark.parametrize("seed", SEEDS)
def test_spend_per_campaign_equals_the_world_to_the_cent(exported, seed):
    result = exported(TOOL, seed)
    named = _named(result.table("linkedin_ads_ad_analytics"),
                   result.table("linkedin_ads_campaigns"))
    world = _world(seed)

    cents = np.rint(named["cost_in_local_currency"].astype(float) * 100).astype(np.int64)
    got = cents.groupby(named["name"]).sum()
    expected = np.rint(world["spend"] * 100).astype(np.int64).groupby(world["campaign_name"]).sum()
    assert got.to_dict() == expected.to_dict()


@pytest.mark.parametrize("seed", SEEDS)
def test_clicks_impressions_and_whole_conversions_follow_the_world(exported, seed):
    result = exported(TOOL, seed)
    named = _named(result.table("linkedin_ads_ad_analytics"),
                   result.table("linkedin_ads_campaigns"))
    world = _world(seed)

    by_name = named.groupby("name")[["clicks", "impressions", "external_website_conversions"]]
    totals = by_name.sum()
    expected = world.groupby("campaign_name")[["clicks", "impressions", "conversions"]].sum()
    assert (totals["clicks"] == expected["clicks"]).all()
    assert (totals["impressions"] == expected["impressions"]).all()
    drift = (totals["external_website_conversions"] - expected["conversions"]).abs()
    assert drift.max() <= 0.5 + 1e-9
    assert (named["external_website_conversions"] >= 0).all()


def test_responses_keep_linkedin_shapes(exported):
    result = exported(TOOL, SEEDS[0])
    files = sorted((result.folder / "ad_analytics").glob("*.json"))
    element = orjson.loads(files[0].read_bytes())["elements"][0]
    listing = orjson.loads(next((result.folder / "campaigns").glob("*.json")).read_bytes())

    assert len(files) == _world(SEEDS[0])["date"].dt.strftime("%Y-%m").nunique()
    assert set(element["dateRange"]["start"]) == {"year", "month", "day"}
    assert isinstance(element["impressions"], int)
    assert isinstance(element["costInLocalCurrency"], str)
    assert isinstance(listing["elements"][0]["id"], int)


def test_ad_platforms_name_no_people_in_the_answer_key(exported):
    identities = exported(TOOL, SEEDS[0]).identities

    assert identities.empty
    assert tuple(identities.columns) == IDENTITY_COLUMNS


def test_malformed_elements_are_quarantined_with_their_row_number_and_field(exported, warehouse):
    result = exported(TOOL, SEEDS[0])
    day = {"year": 2024, "month": 6, "day": 3}
    good = {
        "dateRange": {"start": day, "end": day}, "pivotValues": [URN + "612345001"],
        "impressions": 12500, "clicks": 185, "costInLocalCurrency": "2312.50",
    }
    rows = [
        {**good, "dateRange": {"start": {"year": 2024, "month": 6}, "end": day}},
        {**good, "dateRange": {"end": day}},
        good,
        {**good, "costInLocalCurrency": "n/a"},
    ]
    document = {"paging": {"start": 0, "count": 10, "links": []}, "elements": rows}
    (result.folder / "ad_analytics" / "broken.json").write_bytes(orjson.dumps(document))

    report = load_object(warehouse, tool_objects(TOOL)[0], result.folder)
    quarantined = warehouse.execute(
        f"SELECT row_number, field, reason FROM {QUARANTINE} "
        "WHERE source_file LIKE '%broken.json' ORDER BY row_number"
    ).fetchall()
    assert [(n, f) for n, f, _ in quarantined] == [
        (1, "date_start"), (2, "date_start"), (4, "cost_in_local_currency"),
    ]
    assert quarantined[0][2].startswith("date_start: unparsable ymd: ")
    assert quarantined[1][2] == "date_start: missing required field"
    assert quarantined[2][2] == "cost_in_local_currency: unparsable decimal: n/a"
    assert report.rows_loaded == 1


def test_a_campaign_id_sent_as_a_json_number_above_2_53_keeps_every_digit(exported, warehouse):
    result = exported(TOOL, SEEDS[0])
    listing = {"paging": {"start": 0, "count": 10, "links": []},
               "elements": [{"id": 9007199254740993, "name": "Big id"}, {"name": "No id"}]}
    (result.folder / "campaigns" / "big.json").write_bytes(orjson.dumps(listing))

    load_object(warehouse, tool_objects(TOOL)[1], result.folder)
    loaded = warehouse.execute(
        "SELECT id FROM raw.linkedin_ads_campaigns WHERE _source_file LIKE '%big.json'"
    ).fetchall()
    assert loaded == [("9007199254740993",)]
    quarantined = warehouse.execute(
        f"SELECT row_number, field FROM {QUARANTINE} WHERE source_file LIKE '%big.json'"
    ).fetchall()
    assert quarantined == [(2, "id")]
