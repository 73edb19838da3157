"""The anomaly detector, and the change-point test under it, on hand-built data.

A synthetic company whose customers file tickets, use the product and open emails every
week. When planted, from one day customers of one plan file three times the tickets while
their sessions fall by 45%; everyone's usage also grows over time, which must cancel out.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from intel_assets.insights import anomaly
from intel_assets.insights.control import q_values
from intel_assets.insights.timeseries import change_point
from intel_assets_tests.conftest import SEEDS
from intel_assets_tests.insight_helpers import detect_in, write_tables

ORIGIN = datetime(2025, 1, 5)
WEEKS = 78
PLANTED_WEEK = 52
PLANS = ("starter", "team", "business")
REGIONS = ("NA", "EMEA", "APAC")


def build_company(path: Path, *, seed: int, planted: bool, customers: int = 2000) -> None:
    rng = np.random.default_rng(seed)
    plan = rng.choice(PLANS, customers, p=[0.5, 0.3, 0.2])
    region = rng.choice(REGIONS, customers)
    signup_week = rng.integers(0, WEEKS - 10, customers)
    churn_week = signup_week + 1 + rng.geometric(0.01, customers)
    weeks = np.arange(WEEKS)[None, :]
    who, week = np.nonzero((weeks > signup_week[:, None]) & (weeks < churn_week[:, None]))

    growth = 1 + week / WEEKS  # everyone's usage grows: the rest's rate must absorb it
    hit = planted & (plan[who] == "business") & (week >= PLANTED_WEEK)
    activity = pd.DataFrame({
        "customer_id": np.array([f"c{i:05d}" for i in range(customers)])[who],
        "activity_date": np.datetime64(ORIGIN) + (7 * week + 2).astype("timedelta64[D]"),
        "tickets": rng.poisson(0.15 * growth * np.where(hit, 3.0, 1.0)),
        "sessions": rng.poisson(4.0 * growth * np.where(hit, 0.55, 1.0)),
        "emails_opened": rng.poisson(1.0, len(who)),
    })
    joined = [ORIGIN + timedelta(days=7 * int(w) - 1) for w in signup_week]
    churned = [ORIGIN + timedelta(days=7 * int(w) + 3) if w < WEEKS else None
               for w in churn_week]
    customers_frame = pd.DataFrame({
        "customer_id": [f"c{i:05d}" for i in range(customers)],
        "signed_up_at": joined, "started_at": joined, "churned_at": pd.to_datetime(churned),
        "mrr": 80.0, "plan": plan, "region": region, "industry": "Software",
        "acquisition_channel": rng.choice(["google_ads", "organic_search"], customers),
    })

    write_tables(path, {
        "marts.customers": customers_frame,
        "identified.int_customer_daily_activity": activity,
        "identified.int_data_as_of": pd.DataFrame({"as_of_at": [
            ORIGIN + timedelta(days=7 * WEEKS)]}),
    })


def run_detector(path: Path) -> list:
    return detect_in(path, anomaly.detect)


@pytest.mark.parametrize("seed", SEEDS)
def test_tickets_up_and_sessions_down_together_for_one_plan_is_found(tmp_path, seed):
    path = tmp_path / "warehouse.duckdb"
    build_company(path, seed=seed, planted=True)

    candidates = run_detector(path)

    q = q_values([c.p_value for c in candidates])
    significant = [c for c, qv in zip(candidates, q) if qv < 0.05]
    assert [(c.segment[0].describe(), c.metrics) for c in significant] == [
        ("plan = business", ("tickets", "sessions"))
    ]
    found = significant[0]
    assert found.sources == ("support", "product", "billing")
    change = (pd.Timestamp(found.evidence["change_date"]) - pd.Timestamp(ORIGIN)).days // 7
    assert abs(change - PLANTED_WEEK) <= 2
    assert 2.0 < found.evidence["tickets_relative_factor"] < 4.5
    assert 0.4 < found.evidence["sessions_relative_factor"] < 0.7
    assert found.effect_size > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_no_shift_gives_no_anomaly(tmp_path, seed):
    path = tmp_path / "warehouse.duckdb"
    build_company(path, seed=seed, planted=False)

    candidates = run_detector(path)

    # 3 plans, 3 regions, 2 channels (one industry is everyone: no segment), 3 pairs each.
    assert len(candidates) == 8 * 3
    q = q_values([c.p_value for c in candidates])
    assert min(q) > 0.05


def test_a_shift_in_one_source_only_is_not_an_anomaly(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    build_company(path, seed=SEEDS[0], planted=True)
    con = duckdb.connect(str(path))
    con.execute("""
        update identified.int_customer_daily_activity as a
        set sessions = (4 * (1 + date_diff('day', timestamp '2025-01-05', activity_date)
                             / 7 / 78.0))::integer
        from marts.customers as c
        where c.customer_id = a.customer_id and c.plan = 'business'
    """)
    con.close()

    candidates = run_detector(path)

    business = [c for c in candidates if c.segment[0].describe() == "plan = business"]
    assert business and min(c.p_value for c in business) > 0.01


def test_change_point_finds_a_step_and_its_direction():
    rng = np.random.default_rng(SEEDS[1])
    series = np.concatenate([rng.normal(0, 1, 40), rng.normal(1.5, 1, 30)])

    up = change_point(series, +1)
    down = change_point(series, -1)

    assert abs(up.index - 40) <= 2
    assert up.p_value < 1e-6
    assert up.after - up.before > 1.0
    assert down.p_value > 0.5


@pytest.mark.parametrize("seed", SEEDS)
def test_change_point_p_values_on_noise_are_not_small(seed):
    rng = np.random.default_rng(seed)
    p_values = [change_point(rng.normal(0, 1, 70), +1).p_value for _ in range(400)]

    # A valid test rejects about as often as its level on data with no step.
    assert np.mean(np.array(p_values) < 0.05) < 0.09
