"""The leading-indicator detector on hand-built marts where the answer is known.

A synthetic company: every customer uses the product weekly; some customers' sessions
collapse (or their support tickets rise) at a random moment, and (when the effect is
planted) their churn hazard jumps LEAD_WEEKS later. The detector must name the behaviour,
estimate the lag, and stay quiet when the hazard ignores the change.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from intel_assets.insights import leading_indicator
from intel_assets.insights.control import q_values
from intel_assets_tests.conftest import SEEDS
from intel_assets_tests.insight_helpers import detect_in, write_tables

ORIGIN = datetime(2025, 1, 6)
WEEKS = 80
LEAD_WEEKS = 6
BEHAVIOUR_RATES = {  # events per customer-week
    "events": 20.0, "sessions": 5.0, "reports_created": 1.5, "dashboards_shared": 0.5,
    "integrations_connected": 0.4, "data_exports": 0.3, "tickets": 0.1,
    "emails_delivered": 2.0, "emails_opened": 1.0, "emails_clicked": 0.3,
}
TICKETS_AFTER_RISE = 0.5  # a customer in trouble files a ticket every other week


def build_company(
    path: Path, *, seed: int, planted: bool, customers: int = 2500, changed: str = "sessions"
) -> None:
    """Writes the marts tables the detector reads into a new DuckDB file."""
    rng = np.random.default_rng(seed)
    signup_week = rng.integers(0, WEEKS - 20, customers)
    onset_week = np.where(
        rng.random(customers) < 0.5, signup_week + 10 + rng.exponential(25, customers), np.inf
    ).astype(float)
    onset_week = np.floor(onset_week)

    churn_week = np.full(customers, np.inf)
    for week in range(WEEKS):
        alive = (signup_week < week) & ~np.isfinite(churn_week)
        risky = planted & (week >= onset_week + LEAD_WEEKS)
        hazard = np.where(risky, 0.05, 0.006)
        churn_week[alive & (rng.random(customers) < hazard)] = week
    weeks = np.arange(WEEKS)[None, :]
    who, week = np.nonzero((weeks > signup_week[:, None]) & (weeks < churn_week[:, None]))
    counts = {
        name: rng.poisson(rate, len(who)).astype(float)
        for name, rate in BEHAVIOUR_RATES.items()
    }
    after = week >= onset_week[who]
    if changed == "sessions":
        counts["sessions"] = np.where(after, rng.poisson(0.15 * 5.0, len(who)), counts["sessions"])
    else:
        counts["tickets"] = np.where(
            after, rng.poisson(TICKETS_AFTER_RISE, len(who)), counts["tickets"]
        )

    ids = np.array([f"c{i:05d}" for i in range(customers)])
    activity = pd.DataFrame({
        "customer_id": ids[who],
        "activity_date": np.datetime64(ORIGIN) + (7 * week + 3).astype("timedelta64[D]"),
        **counts,
    })
    joined = [ORIGIN + timedelta(days=7 * int(w) - 1) for w in signup_week]
    churned = [ORIGIN + timedelta(days=7 * w + 2) if np.isfinite(w) else None
               for w in churn_week]
    customers_frame = pd.DataFrame({
        "customer_id": ids, "signed_up_at": joined, "started_at": joined,
        "churned_at": pd.to_datetime(churned), "mrr": 100.0,
        "plan": rng.choice(["starter", "team"], customers),
    })
    as_of = pd.DataFrame({"as_of_at": [ORIGIN + timedelta(days=7 * WEEKS)]})

    write_tables(path, {"marts.customers": customers_frame,
                        "identified.int_customer_daily_activity": activity,
                        "identified.int_data_as_of": as_of})


def run_detector(path: Path) -> list:
    return detect_in(path, leading_indicator.detect)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_planted_collapse_in_sessions_is_found_with_its_lead_time(tmp_path, seed):
    path = tmp_path / "warehouse.duckdb"
    build_company(path, seed=seed, planted=True)

    candidates = run_detector(path)

    q = q_values([c.p_value for c in candidates])
    found = {c.metrics[0]: (c, qv) for c, qv in zip(candidates, q)}
    sessions, q_sessions = found["sessions"]
    assert q_sessions < 0.001
    assert sessions.segment == ()
    assert sessions.sources == ("product", "billing")
    assert sessions.effect_size > 0
    assert abs(sessions.evidence["lead_weeks"] - LEAD_WEEKS) <= 2
    assert "weeks before churn" in sessions.title
    # Only sessions moved: the other behaviours must not be claimed.
    others = [qv for name, (_, qv) in found.items() if name != "sessions"]
    assert min(others) > 0.05


@pytest.mark.parametrize("seed", SEEDS)
def test_a_lasting_rise_in_a_sparse_behaviour_is_dated(tmp_path, seed):
    """Tickets are too rare to date a drop, but a rise is dated by the load that follows."""
    path = tmp_path / "warehouse.duckdb"
    build_company(path, seed=seed, planted=True, changed="tickets")

    candidates = run_detector(path)

    q = q_values([c.p_value for c in candidates])
    found = {c.metrics[0]: (c, qv) for c, qv in zip(candidates, q)}
    tickets, q_tickets = found["tickets"]
    assert q_tickets < 0.001
    assert tickets.evidence["lead_weeks"] is not None
    assert abs(tickets.evidence["lead_weeks"] - LEAD_WEEKS) <= 2
    assert "rise about" in tickets.title


@pytest.mark.parametrize("seed", SEEDS)
def test_a_collapse_that_does_not_precede_churn_is_not_claimed(tmp_path, seed):
    path = tmp_path / "warehouse.duckdb"
    build_company(path, seed=seed, planted=False)

    candidates = run_detector(path)

    assert len(candidates) == len(leading_indicator.BEHAVIOURS)
    q = q_values([c.p_value for c in candidates])
    assert min(q) > 0.05


def test_every_behaviour_is_returned_with_a_key_free_of_values(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    build_company(path, seed=SEEDS[0], planted=True, customers=800)

    candidates = run_detector(path)

    names = [c.metrics[0] for c in candidates]
    assert sorted(names) == sorted(b.name for b in leading_indicator.BEHAVIOURS)
    assert all(c.family == "leading_indicator" and 0 <= c.p_value <= 1 for c in candidates)
    assert len({c.key for c in candidates}) == len(candidates)
    for candidate in candidates:
        json.dumps(candidate.evidence, allow_nan=False)  # the store keeps evidence as JSON
    sparse = next(c for c in candidates if c.metrics[0] == "tickets")
    assert sparse.evidence["lead_weeks"] is None and "weeks before" not in sparse.title


def test_predicted_risk_rising_in_one_segment_is_found(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    build_company(path, seed=SEEDS[1], planted=False, customers=800)
    rng = np.random.default_rng(SEEDS[1])
    con = duckdb.connect(str(path))
    customers = con.execute("select customer_id, plan from marts.customers").df()
    scored = []
    for when, lift in ((datetime(2026, 5, 1), 0.0), (datetime(2026, 6, 15), 0.08)):
        base = rng.beta(2, 20, len(customers))
        rise = np.where(customers["plan"] == "team", lift, 0.0)
        scored.append(pd.DataFrame({
            "customer_id": customers["customer_id"], "scored_at": when,
            "churn_probability": base + rise,
        }))
    con.execute("create schema model")
    con.register("frame", pd.concat(scored))
    con.execute("create table model.risk_history as select * from frame")
    con.close()

    candidates = run_detector(path)

    risk = {c.segment[0].value: c for c in candidates if c.segment}
    assert set(risk) == {"starter", "team"}
    assert risk["team"].p_value < 1e-6
    assert risk["team"].metrics == ("mean_churn_probability", "realised_churn_rate")
    assert risk["starter"].p_value > 0.5


def test_no_risk_history_skips_the_risk_part(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    build_company(path, seed=SEEDS[0], planted=False, customers=600)

    candidates = run_detector(path)

    assert all(c.segment == () for c in candidates)
