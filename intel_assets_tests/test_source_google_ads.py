"""Google Ads searchStream responses parse into one row per campaign per day whose spend,
clicks and impressions are the world's, with int64 values sent as strings."""

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

TOOL = "google_ads"


def _world(seed: int) -> pd.DataFrame:
    spend = ad_spend(small_world(seed).company)
    return spend[spend["channel"] == TOOL]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_campaign_has_every_day_once_and_nothing_is_quarantined(exported, seed):
    result = exported(TOOL, seed)
    stats = result.table("google_ads_campaign_stats")
    world = _world(seed)

    assert result.reports["campaign_stats"].rows_quarantined == 0
    assert result.reports["campaign_stats"].unreadable == []
    assert len(stats) == len(world) == TOTAL_DAYS * world["campaign_key"].nunique()
    assert stats.groupby(["campaign_id", "date"]).size().eq(1).all()
    days = stats.groupby("campaign_id")["date"].agg(["nunique", "min", "max"])
    assert (days["nunique"] == TOTAL_DAYS).all()
    assert (days["min"] == world["date"].min()).all()
    assert (days["max"] == world["date"].max()).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_spend_per_campaign_in_micros_equals_the_world_to_the_cent(exported, seed):
    stats = exported(TOOL, seed).table("google_ads_campaign_stats")
    world = _world(seed)

    cents = (stats.groupby("campaign_name")["cost_micros"].sum() // 10_000).astype(np.int64)
    expected = np.rint(world["spend"] * 100).groupby(world["campaign_name"]).sum()
    assert cents.to_dict() == expected.astype(np.int64).to_dict()
    assert (stats["cost_micros"].dropna() % 10_000 == 0).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_missing_metrics_mean_zero_and_match_the_world(exported, seed):
    stats = exported(TOOL, seed).table("google_ads_campaign_stats")
    world = _world(seed).rename(columns={"date": "world_date"})

    joined = stats.merge(
        world, left_on=["campaign_name", "date"], right_on=["campaign_name", "world_date"],
        suffixes=("", "_world"), validate="one_to_one",
    )
    assert len(joined) == len(stats)
    assert (joined["clicks"].fillna(0) == joined["clicks_world"]).all()
    assert (joined["impressions"].fillna(0) == joined["impressions_world"]).all()
    assert np.allclose(joined["conversions"].fillna(0.0), joined["conversions_world"])
    assert stats["clicks"].isna().any(), "days without clicks leave the metric out"


@pytest.mark.parametrize("seed", SEEDS)
def test_ids_look_like_google_ads_and_names_match_the_campaigns(exported, seed):
    stats = exported(TOOL, seed).table("google_ads_campaign_stats")
    company = small_world(seed).company

    assert stats["campaign_id"].str.fullmatch(r"[1-9]\d{10}").all()
    assert stats["customer_id"].str.fullmatch(r"[1-9]\d{9}").all()
    assert stats["customer_id"].nunique() == 1
    assert (stats["currency_code"] == "USD").all()
    assert (
        stats["campaign_resource_name"]
        == "customers/" + stats["customer_id"] + "/campaigns/" + stats["campaign_id"]
    ).all()
    names = stats.groupby("campaign_id")["campaign_name"].agg(["nunique", "first"])
    assert (names["nunique"] == 1).all()
    wanted = company.campaigns.loc[company.campaigns["channel"] == TOOL, "name"]
    assert sorted(names["first"]) == sorted(wanted)


def test_files_are_searchstream_batches_with_int64_as_json_strings(exported):
    result = exported(TOOL, SEEDS[0])
    files = sorted((result.folder / "campaign_stats").glob("*.json"))
    world = _world(SEEDS[0])

    assert len(files) == world["date"].dt.strftime("%Y-%m").nunique()
    document = orjson.loads(files[0].read_bytes())
    assert isinstance(document, list)
    batch = document[0]
    assert set(batch) == {"results", "fieldMask", "requestId"}
    assert "metrics.costMicros" in batch["fieldMask"].split(",")
    row = batch["results"][0]
    assert isinstance(row["campaign"]["id"], str)
    assert isinstance(row["customer"]["id"], str)
    assert isinstance(row["metrics"]["costMicros"], str)
    assert isinstance(row["metrics"]["impressions"], str)
    assert row["segments"]["date"] == files[0].stem[-7:] + "-01"


def test_ad_platforms_name_no_people_in_the_answer_key(exported):
    identities = exported(TOOL, SEEDS[0]).identities

    assert identities.empty
    assert tuple(identities.columns) == IDENTITY_COLUMNS


def test_malformed_rows_are_quarantined_with_their_row_number_and_field(exported, warehouse):
    result = exported(TOOL, SEEDS[0])
    good = {
        "customer": {"id": "4417782930", "currencyCode": "USD"},
        "campaign": {"resourceName": "customers/4417782930/campaigns/9007199254740993",
                     "id": "9007199254740993", "name": "Brand - US"},
        "segments": {"date": "2024-06-03"},
        "metrics": {"costMicros": "48210000", "clicks": "61", "impressions": "1904"},
    }
    bad_date = {**good, "segments": {"date": "2024-02-30"}}
    no_campaign = {key: value for key, value in good.items() if key != "campaign"}
    bad_cost = {**good, "metrics": {"costMicros": "48,21"}}
    batches = [
        {"results": [good, bad_date], "fieldMask": "campaign.id", "requestId": "a"},
        {"results": [no_campaign, bad_cost], "fieldMask": "campaign.id", "requestId": "b"},
    ]
    (result.folder / "campaign_stats" / "broken.json").write_bytes(orjson.dumps(batches))

    report = load_object(warehouse, tool_objects(TOOL)[0], result.folder)
    quarantined = warehouse.execute(
        f"SELECT row_number, field, reason FROM {QUARANTINE} "
        "WHERE source_file LIKE '%broken.json' ORDER BY row_number"
    ).fetchall()
    assert quarantined == [
        (2, "date", "date: unparsable date: 2024-02-30"),
        (3, "campaign_id", "campaign_id: missing required field"),
        (4, "cost_micros", "cost_micros: unparsable integer: 48,21"),
    ]
    assert report.rows_loaded == 1
    loaded = warehouse.execute(
        "SELECT campaign_id, cost_micros FROM raw.google_ads_campaign_stats "
        "WHERE _source_file LIKE '%broken.json'"
    ).fetchall()
    assert loaded == [("9007199254740993", 48_210_000)]
