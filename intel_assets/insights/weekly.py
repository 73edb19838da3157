"""Every customer's behaviour as full calendar weeks, and the weeks each was a customer.

Daily activity only has rows for days with activity, and a customer's last days before it
leaves or before the data ends are a partial week; both would bias a weekly rate. Here a
customer counts in a week only if it was a customer for the whole week: from the first
full week after signing up to the last full week before churning or before the data ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb
import numpy as np
import pandas as pd

from intel_assets.insights.timeseries import WEEK_DAYS

CUSTOMERS_SQL = """
with as_of as (
    select as_of_at from identified.int_data_as_of
),
customers as (
    select
        customer_id,
        coalesce(signed_up_at, started_at) as joined_at,
        churned_at,
        coalesce(mrr, 0)::double as mrr
    from marts.customers
    where coalesce(signed_up_at, started_at) is not null
)
select
    c.customer_id,
    c.joined_at,
    case when c.churned_at < as_of.as_of_at then c.churned_at end as churned_at,
    c.mrr,
    as_of.as_of_at
from customers as c
cross join as_of
where c.joined_at < as_of.as_of_at
order by c.customer_id
"""

ACTIVITY_SQL = """
with customers as (
    select unnest(?::varchar[]) as customer_id, unnest(?::bigint[]) as customer_row
)
select
    c.customer_row::bigint as customer_row,
    floor(date_diff('day', ?::timestamp, a.activity_date) / {week})::bigint as week,
    {sums}
from identified.int_customer_daily_activity as a
inner join customers as c on c.customer_id = a.customer_id
where a.activity_date >= ?::timestamp
group by all
"""


@dataclass(frozen=True)
class WeeklyActivity:
    """Customers (rows) by full weeks since `origin` (columns), for a few behaviours."""

    origin: datetime
    weeks: int
    customers: pd.DataFrame  # customer_id, mrr, first_week, end_week, churned
    counts: dict[str, np.ndarray]

    @property
    def active(self) -> np.ndarray:
        """True where the customer was a customer for the whole week."""
        week = np.arange(self.weeks)[None, :]
        first = self.customers["first_week"].to_numpy()[:, None]
        end = self.customers["end_week"].to_numpy()[:, None]
        return (week >= first) & (week < end)

    def week_start(self, index: int) -> datetime:
        return self.origin + timedelta(days=WEEK_DAYS * int(index))


def load_weekly_activity(
    con: duckdb.DuckDBPyConnection, behaviours: tuple[str, ...]
) -> WeeklyActivity:
    customers = con.execute(CUSTOMERS_SQL).df()
    if customers.empty:
        return WeeklyActivity(datetime(1970, 1, 1), 0, customers, {})
    origin = pd.Timestamp(customers["joined_at"].min()).normalize().to_pydatetime()
    as_of = pd.Timestamp(customers["as_of_at"].iloc[0])
    weeks = int((as_of - pd.Timestamp(origin)).days // WEEK_DAYS)

    days_in = (customers["joined_at"] - pd.Timestamp(origin)).dt.total_seconds() / 86400
    churn_days = (customers["churned_at"] - pd.Timestamp(origin)).dt.total_seconds() / 86400
    churned = customers["churned_at"].notna().to_numpy()
    frame = pd.DataFrame({
        "customer_id": customers["customer_id"],
        "mrr": customers["mrr"].astype(float),
        "first_week": np.ceil(days_in.to_numpy() / WEEK_DAYS).astype(int),
        "end_week": np.where(
            churned, np.floor(churn_days.fillna(0).to_numpy() / WEEK_DAYS), weeks
        ).astype(int),
        "churned": churned,
    })

    sums = ",\n    ".join(f"sum(a.{b})::double as {b}" for b in behaviours)
    sql = ACTIVITY_SQL.format(week=WEEK_DAYS, sums=sums)
    ids = frame["customer_id"].tolist()
    activity = con.execute(sql, [ids, list(range(len(ids))), origin, origin]).fetchnumpy()
    week = activity["week"].astype(np.int64)
    keep = (week >= 0) & (week < weeks)
    cell = activity["customer_row"].astype(np.int64)[keep] * weeks + week[keep]
    counts = {
        behaviour: np.bincount(
            cell, weights=np.asarray(activity[behaviour], dtype=float)[keep],
            minlength=len(frame) * weeks,
        ).reshape(len(frame), weeks)
        for behaviour in behaviours
    }
    return WeeklyActivity(origin, weeks, frame, counts)
