"""The contradiction detector on hand-built marts where the answer is known.

A synthetic company acquiring through two paid and two unpaid channels. When planted, one
paid channel's signups and platform conversions jump by 80% for one month while those
signups activate at a quarter of the usual rate.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from intel_assets.insights import contradiction
from intel_assets.insights.control import q_values
from intel_assets_tests.conftest import SEEDS
from intel_assets_tests.insight_helpers import detect_in, write_tables

ORIGIN = datetime(2025, 3, 1)
DAYS = 540
CHANNELS = {"google_ads": 0.3, "meta_ads": 0.25, "organic_search": 0.3, "direct": 0.15}
PAID = ("google_ads", "meta_ads")
PLANTED_CHANNEL = "meta_ads"
PLANTED_START = 305  # deliberately off any 10-day grid the scan might use


def build_company(
    path: Path, *, seed: int, planted: bool, customers: int = 4000, with_ads: bool = True
) -> None:
    rng = np.random.default_rng(seed)
    channel = rng.choice(list(CHANNELS), customers, p=list(CHANNELS.values()))
    growth = np.log(2.0)
    day = (DAYS - 1) * np.log1p(rng.random(customers) * np.expm1(growth)) / growth
    activation = np.full(customers, 0.65)
    if planted:
        extra = (channel == PLANTED_CHANNEL) & (rng.random(customers) < 0.06)
        day = np.where(extra, PLANTED_START + 30 * rng.random(customers), day)
        in_window = (channel == PLANTED_CHANNEL) & (day >= PLANTED_START) & (
            day < PLANTED_START + 30
        )
        activation = np.where(in_window, 0.2, activation)
    activated = rng.random(customers) < activation
    signed_up = [ORIGIN + timedelta(days=float(d)) for d in day]
    activated_at = [s + timedelta(days=float(rng.exponential(3))) if a else None
                    for s, a in zip(signed_up, activated)]
    frame = pd.DataFrame({
        "customer_id": [f"c{i:05d}" for i in range(customers)],
        "acquisition_channel": channel, "signed_up_at": signed_up,
        "activated_at": pd.to_datetime(activated_at), "mrr": 50.0,
    })

    tables = {
        "marts.customers": frame,
        "identified.int_data_as_of": pd.DataFrame({"as_of_at": [ORIGIN + timedelta(days=DAYS)]}),
    }
    if with_ads:
        tables["intermediate.int_ads__spend"] = _ad_days(rng, frame, planted)
    write_tables(path, tables)


def _ad_days(rng: np.random.Generator, customers: pd.DataFrame, planted: bool) -> pd.DataFrame:
    """Daily platform conversions: the channel's signups per day, reported with noise."""
    rows = []
    for channel in PAID:
        signups = customers.loc[customers["acquisition_channel"] == channel, "signed_up_at"]
        per_day = (signups - pd.Timestamp(ORIGIN)).dt.days.value_counts()
        days = np.arange(DAYS)
        expected = per_day.reindex(days, fill_value=0).rolling(61, center=True,
                                                                min_periods=1).mean()
        if planted and channel == PLANTED_CHANNEL:
            inside = (days >= PLANTED_START) & (days < PLANTED_START + 30)
            expected = np.where(inside, 1.8 * expected, expected)
        conversions = np.asarray(expected) * rng.lognormal(0.0, 0.25, DAYS)
        rows.append(pd.DataFrame({
            "channel": channel,
            "spend_date": [(ORIGIN + timedelta(days=int(d))).date() for d in days],
            "conversions": conversions,
        }))
    return pd.concat(rows, ignore_index=True)


def run_detector(path: Path) -> list:
    return detect_in(path, contradiction.detect)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("with_ads", [True, False])
def test_a_month_of_cheap_volume_that_never_activates_is_found(tmp_path, seed, with_ads):
    path = tmp_path / "warehouse.duckdb"
    build_company(path, seed=seed, planted=True, with_ads=with_ads)

    candidates = run_detector(path)

    q = q_values([c.p_value for c in candidates])
    by_channel = {c.segment[0].value: (c, qv) for c, qv in zip(candidates, q)}
    assert set(by_channel) == set(CHANNELS)
    found, q_found = by_channel[PLANTED_CHANNEL]
    assert q_found < 0.01
    assert found.segment[0].attribute == "acquisition_channel"
    assert found.metrics == ("conversions" if with_ads else "signups", "activation_rate")
    start = (pd.Timestamp(found.evidence["period_start"]) - pd.Timestamp(ORIGIN)).days
    assert abs(start - PLANTED_START) <= 10
    assert found.evidence["activation_rate"] < found.evidence["activation_rate_neighbours"] / 2
    assert found.effect_size > 0.3
    assert all(qv > 0.05 for name, (_, qv) in by_channel.items() if name != PLANTED_CHANNEL)


@pytest.mark.parametrize("seed", SEEDS)
def test_steady_channels_give_no_contradiction(tmp_path, seed):
    path = tmp_path / "warehouse.duckdb"
    build_company(path, seed=seed, planted=False)

    candidates = run_detector(path)

    assert len(candidates) == len(CHANNELS)
    q = q_values([c.p_value for c in candidates])
    assert min(q) > 0.05


def test_a_volume_spike_whose_signups_still_activate_is_not_a_contradiction(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    build_company(path, seed=SEEDS[0], planted=True)
    con = duckdb.connect(str(path))
    con.execute("update marts.customers set activated_at = signed_up_at + interval 1 day "
                "where acquisition_channel = 'meta_ads'")
    con.close()

    candidates = run_detector(path)

    meta = next(c for c in candidates if c.segment[0].value == PLANTED_CHANNEL)
    assert meta.p_value == 1.0
