"""Small hand-built marts for the insight tests: customers with a churn hazard we choose.

The tables carry the marts' column names and types for the columns the detectors read, so
the detectors run their real SQL on them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

AS_OF = datetime(2026, 11, 30, 23, 0, 0)
BASE_DAILY_HAZARD = 0.004  # about 30% churn within 90 days
PLANS = ("starter", "team", "business")
CHANNELS = ("google_ads", "meta_ads", "organic_search")


def customers_frame(
    seed: int, n: int, hazard: Callable[[pd.DataFrame], np.ndarray] | None = None
) -> pd.DataFrame:
    """`n` customers with independent attributes; `hazard` scales each one's churn rate."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp(AS_OF) - pd.to_timedelta(rng.uniform(50, 540, n), unit="D")
    frame = pd.DataFrame({
        "customer_id": [f"c{i:05d}" for i in range(n)],
        "started_at": start.round("s"),
        "plan": rng.choice(PLANS, n),
        "industry": rng.choice(("Software", "Retail", "Healthcare"), n),
        "region": rng.choice(("NA", "EMEA", "APAC"), n),
        "acquisition_channel": rng.choice(CHANNELS, n),
        "has_onboarding_ticket": rng.random(n) < 0.35,
        "clicked_onboarding_email": rng.random(n) < 0.5,
        "integration_connected": rng.random(n) < 0.4,
    })
    scale = np.ones(n) if hazard is None else hazard(frame)
    # Churn only after the 45-day landmark, so every customer reaches it.
    lifetime = 45 + rng.exponential(1.0 / (BASE_DAILY_HAZARD * scale))
    churned_at = frame["started_at"] + pd.to_timedelta(lifetime, unit="D")
    frame["churned_at"] = churned_at.where(churned_at < pd.Timestamp(AS_OF))
    frame["is_churned"] = frame["churned_at"].notna()
    frame["mrr"] = np.where(frame["is_churned"], 0.0, 100.0)
    frame["last_mrr"] = 100.0
    frame["acquisition_campaign"] = None
    return frame


def write_customer_marts(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """marts.customers, one subscription each, the early product activity and the as-of date
    the attribute frame reads."""
    for schema in ("marts", "identified"):
        con.execute(f"create schema if not exists {schema}")
    customers = frame.drop(columns=["integration_connected"])
    con.register("customers_in", customers)
    con.execute("""
        create or replace table marts.customers as
        select customer_id, started_at::timestamp as started_at,
               churned_at::timestamp as churned_at, is_churned,
               mrr::decimal(28, 6) as mrr, last_mrr::decimal(28, 6) as last_mrr,
               plan, industry, region, acquisition_channel, acquisition_campaign::varchar
                   as acquisition_campaign,
               has_onboarding_ticket, clicked_onboarding_email
        from customers_in
    """)
    con.unregister("customers_in")

    activity = frame.loc[frame["integration_connected"], ["customer_id", "started_at"]].copy()
    activity["activity_date"] = activity["started_at"] + timedelta(days=5)
    con.register("activity_in", activity)
    con.execute("""
        create or replace table identified.int_customer_daily_activity as
        select customer_id, activity_date::timestamp as activity_date,
               0::hugeint as reports_created, 0::hugeint as dashboards_shared,
               1::hugeint as integrations_connected, 0::hugeint as data_exports,
               0::hugeint as emails_delivered, 0::hugeint as emails_opened
        from activity_in
    """)
    con.unregister("activity_in")
    con.execute("""
        create or replace table identified.int_subscriptions_identified as
        select customer_id, customer_id || '-1' as subscription_id, plan,
               started_at::timestamp as started_at
        from marts.customers
    """)
    con.execute("""
        create or replace table identified.int_survey_responses_identified (
            customer_id varchar, score bigint, responded_at timestamp, survey_type varchar)
    """)
    con.execute("create or replace table identified.int_data_as_of as select ?::timestamp "
                "as as_of_at", [AS_OF])


def campaign_marts(
    con: duckdb.DuckDBPyConnection,
    campaigns: list[tuple[str, str, float, int, float]],
    seed: int,
) -> None:
    """marts.channel_performance and marts.customers for (channel, campaign, CPA, customers,
    90-day churn probability) per campaign, one acquisition month each."""
    rng = np.random.default_rng(seed)
    performance, customers = [], []
    for channel, name, cpa, acquired, churn in campaigns:
        churned = rng.random(acquired) < churn
        performance.append({
            "channel": channel, "campaign_name": name,
            "acquisition_month": datetime(2026, 1, 1), "spend": cpa * acquired,
            "customers_acquired": acquired, "eligible_90d": acquired,
            "retained_90d": int((~churned).sum()),
            "revenue_to_date": 300.0 * (~churned).sum() + 100.0 * churned.sum(),
        })
        customers += [
            {"customer_id": f"{name}-{i}", "acquisition_channel": channel,
             "acquisition_campaign": name, "is_churned": bool(c),
             "mrr": 0.0 if c else 100.0}
            for i, c in enumerate(churned)
        ]
    con.execute("create schema if not exists marts")
    con.register("performance_in", pd.DataFrame(performance))
    con.execute("create or replace table marts.channel_performance as "
                "select * from performance_in")
    con.register("customers_in", pd.DataFrame(customers))
    con.execute("create or replace table marts.customers as "
                "select customer_id, acquisition_channel, acquisition_campaign, is_churned, "
                "mrr::decimal(28, 6) as mrr from customers_in")
    con.unregister("performance_in")
    con.unregister("customers_in")


def write_tables(path: Path, tables: Mapping[str, pd.DataFrame]) -> None:
    """A new DuckDB file holding each frame as `schema.table`, schemas created as needed."""
    con = duckdb.connect(str(path))
    try:
        for schema in sorted({name.split(".")[0] for name in tables}):
            con.execute(f"create schema if not exists {schema}")
        for name, frame in tables.items():
            con.register("frame", frame)
            con.execute(f"create table {name} as select * from frame")
            con.unregister("frame")
    finally:
        con.close()


def detect_in(path: Path, detect: Callable[[duckdb.DuckDBPyConnection], list]) -> list:
    """Runs a detector on the file read-only, as the asset does, and closes it."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return detect(con)
    finally:
        con.close()
