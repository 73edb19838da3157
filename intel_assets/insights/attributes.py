"""The customer attribute frame that segment searches run over: one row per customer.

Every attribute is known by a fixed landmark early in the customer's life (LANDMARK_DAYS
after the subscription starts), and churn is counted only after it. An attribute measured
over the whole tenure would leak the outcome: a customer who left in its second week had
no time to adopt a feature or answer a survey, so "never adopted" would look like a cause
of churn even on data where churn is pure chance. Customers who left before the landmark,
or started less than LANDMARK_DAYS before the data ends, are outside the frame.

Each attribute is tagged with the tool family it comes from, so a segment can say which
slices had to be joined to see it.

`plan` is the plan of the latest subscription started by the landmark, so a downgrade
before leaving does not lend the lower plan its churn. `region` is the CRM's current
country: CRM exports hold each account's current record only, so a customer that moved
after the landmark is segmented by where it is now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from intel_assets.insights.candidate import Condition

LANDMARK_DAYS = 45
OPEN_RATE_CUT = 0.25  # early lifecycle email open rate below this is "low engagement"
NPS_BANDS = ((0, 6, "detractor"), (7, 8, "passive"), (9, 10, "promoter"))


@dataclass(frozen=True)
class Attribute:
    """A column of the frame, the family it comes from, and how to turn it into conditions.

    `kind` is "category" (one condition per value seen), "flag" (true and false) or
    "cut" (below and at-or-above `cut`).
    """

    name: str
    source: str
    kind: str
    cut: float | None = None


ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("acquisition_channel", "ads", "category"),
    Attribute("plan", "billing", "category"),
    Attribute("industry", "crm", "category"),
    Attribute("region", "crm", "category"),
    Attribute("is_activated_early", "product", "flag"),
    Attribute("adopted_report_created_early", "product", "flag"),
    Attribute("adopted_dashboard_shared_early", "product", "flag"),
    Attribute("adopted_integration_connected_early", "product", "flag"),
    Attribute("adopted_data_exported_early", "product", "flag"),
    Attribute("has_onboarding_ticket", "support", "flag"),
    Attribute("clicked_onboarding_email", "lifecycle", "flag"),
    Attribute("early_email_open_rate", "lifecycle", "cut", OPEN_RATE_CUT),
    Attribute("early_nps_band", "surveys", "category"),
)

FRAME_SQL = f"""
with as_of as (
    select as_of_at from identified.int_data_as_of
),
customers as (
    select c.*, c.started_at + interval {LANDMARK_DAYS} day as landmark_at
    from marts.customers as c
    where c.started_at is not null
),
early_activity as (
    select
        a.customer_id,
        sum(a.reports_created + a.dashboards_shared + a.integrations_connected
            + a.data_exports) > 0 as is_activated_early,
        sum(a.reports_created) > 0 as adopted_report_created_early,
        sum(a.dashboards_shared) > 0 as adopted_dashboard_shared_early,
        sum(a.integrations_connected) > 0 as adopted_integration_connected_early,
        sum(a.data_exports) > 0 as adopted_data_exported_early,
        sum(a.emails_delivered) as early_emails_delivered,
        sum(a.emails_opened) as early_emails_opened
    from identified.int_customer_daily_activity as a
    inner join customers as c on c.customer_id = a.customer_id
    where a.activity_date < c.landmark_at
    group by a.customer_id
),
landmark_plan as (
    select
        s.customer_id,
        first(s.plan order by s.started_at desc, s.subscription_id desc) as plan
    from identified.int_subscriptions_identified as s
    inner join customers as c on c.customer_id = s.customer_id
    where s.started_at <= c.landmark_at
    group by s.customer_id
),
early_survey as (
    select
        s.customer_id,
        arg_min(s.score, s.responded_at) as early_nps_score
    from identified.int_survey_responses_identified as s
    inner join customers as c on c.customer_id = s.customer_id
    where s.responded_at < c.landmark_at and s.survey_type = 'nps'
    group by s.customer_id
)
select
    c.customer_id,
    c.started_at,
    c.churned_at,
    coalesce(c.mrr, 0)::double as mrr,
    coalesce(c.last_mrr, c.mrr, 0)::double as last_mrr,
    c.acquisition_channel,
    coalesce(p.plan, c.plan) as plan,
    c.industry,
    c.region,
    coalesce(e.is_activated_early, false) as is_activated_early,
    coalesce(e.adopted_report_created_early, false) as adopted_report_created_early,
    coalesce(e.adopted_dashboard_shared_early, false) as adopted_dashboard_shared_early,
    coalesce(e.adopted_integration_connected_early, false)
        as adopted_integration_connected_early,
    coalesce(e.adopted_data_exported_early, false) as adopted_data_exported_early,
    c.has_onboarding_ticket,
    c.clicked_onboarding_email,
    case when e.early_emails_delivered > 0
        then 1.0 * e.early_emails_opened / e.early_emails_delivered end
        as early_email_open_rate,
    s.early_nps_score,
    -- Days at risk after the landmark, and whether the customer churned in them.
    date_diff('second', c.landmark_at, coalesce(c.churned_at, as_of.as_of_at)) / 86400.0
        as exposure_days,
    c.churned_at is not null as churned
from customers as c
cross join as_of
left join early_activity as e on e.customer_id = c.customer_id
left join early_survey as s on s.customer_id = c.customer_id
left join landmark_plan as p on p.customer_id = c.customer_id
where c.landmark_at <= coalesce(c.churned_at, as_of.as_of_at)
"""


@dataclass(frozen=True)
class AttributeFrame:
    """The customers alive at the landmark, their attributes and their churn after it."""

    frame: pd.DataFrame

    @property
    def exposure(self) -> np.ndarray:
        return self.frame["exposure_days"].to_numpy(dtype=float)

    @property
    def churned(self) -> np.ndarray:
        return self.frame["churned"].to_numpy(dtype=bool)

    @property
    def mrr(self) -> np.ndarray:
        return self.frame["last_mrr"].to_numpy(dtype=float)

    def conditions(self) -> list[tuple[Condition, np.ndarray]]:
        """Every single condition the search may combine, with its membership mask."""
        found: list[tuple[Condition, np.ndarray]] = []
        for attribute in ATTRIBUTES:
            column = self.frame[attribute.name]
            for condition, mask in _conditions_of(attribute, column):
                found.append((condition, mask))
        return found


def load_attribute_frame(con: duckdb.DuckDBPyConnection) -> AttributeFrame:
    frame = con.execute(FRAME_SQL).df()
    frame["early_nps_band"] = frame["early_nps_score"].map(_nps_band)
    return AttributeFrame(frame)


def _nps_band(score: Any) -> str | None:
    if score is None or pd.isna(score):
        return None
    for low, high, band in NPS_BANDS:
        if low <= score <= high:
            return band
    return None


def _conditions_of(
    attribute: Attribute, column: pd.Series
) -> list[tuple[Condition, np.ndarray]]:
    """Conditions on one attribute; a missing value satisfies none of them."""
    known = column.notna().to_numpy()
    if attribute.kind == "flag":
        values = column.fillna(False).astype(bool).to_numpy()
        return [
            (Condition(attribute.name, attribute.source, "=", True), values & known),
            (Condition(attribute.name, attribute.source, "=", False), ~values & known),
        ]
    if attribute.kind == "cut":
        numbers = column.to_numpy(dtype=float)
        below = np.where(known, numbers < attribute.cut, False)
        return [
            (Condition(attribute.name, attribute.source, "<", attribute.cut), below),
            (Condition(attribute.name, attribute.source, ">=", attribute.cut), known & ~below),
        ]
    values = sorted(str(v) for v in column.dropna().unique())
    text = column.astype(object).where(column.notna(), None).to_numpy()
    return [
        (Condition(attribute.name, attribute.source, "=", value), text == value)
        for value in values
    ]
