"""The patterns planted in the demo company, one per insight family, drawn per seed.

Every pattern is described in the answer key with the same structure the insight engine
emits (family, segment conditions, metrics), so that a benchmark can match a finding to a
planted pattern without parsing prose. `--null` plants none.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from intel_assets.demo import catalog
from intel_assets.stack import FAMILIES

LEADING_BEHAVIOURS = ("sessions", "report_created", "email_opens", "support_tickets")
# The planted change begins an exponential wait after the behaviour first shows, so at any
# moment before it the remaining wait is the same: nothing can tell which account is next.
LEADING_ONSET_MEAN_DAYS = 320.0
LEADING_HAZARD_FACTOR = 6.0
BEHAVIOUR_FAMILY = {
    "sessions": "product",
    "report_created": "product",
    "email_opens": "lifecycle",
    "support_tickets": "support",
}
# Attributes a cross-source cohort can be built from: (attribute, source family, values).
COHORT_ATTRIBUTES: tuple[tuple[str, str, tuple[Any, ...]], ...] = (
    ("plan", "billing", ("starter", "team")),
    ("industry", "crm", ("Software", "Retail", "Healthcare", "Financial Services")),
    ("adopted_integration_connected", "product", (False,)),
    ("adopted_dashboard_shared", "product", (False,)),
    ("has_onboarding_ticket", "support", (True,)),
    ("clicked_onboarding_email", "lifecycle", (False,)),
)
ANOMALY_ATTRIBUTES: tuple[tuple[str, str, tuple[Any, ...]], ...] = (
    ("plan", "billing", ("team", "business")),
    ("region", "crm", ("NA", "EMEA")),
)
ALL_FAMILIES = tuple(FAMILIES)
# The families a pattern's effect and its reading need, besides its segment's sources.
WRONG_SIGNAL_NEEDS = frozenset({"ads", "billing"})  # cost per customer and their churn
CONTRADICTION_NEEDS = frozenset({"ads", "product"})  # conversions and activation
ANOMALY_NEEDS = frozenset({"support", "product"})  # more tickets, fewer sessions


@dataclass(frozen=True)
class Condition:
    attribute: str
    source: str
    operator: str
    value: Any


@dataclass(frozen=True)
class Pattern:
    """One planted pattern, in the shape the insight engine reports findings."""

    family: str
    segment: tuple[Condition, ...]
    metrics: tuple[str, ...]
    description: str
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["segment"] = [asdict(c) for c in self.segment]
        data["metrics"] = list(self.metrics)
        return data


@dataclass(frozen=True)
class PlantedPatterns:
    """The choices made for one seed; empty in null mode."""

    wrong_signal_campaign: str | None = None
    cohort: tuple[Condition, ...] = ()
    leading_behaviour: str | None = None
    leading_lead_days: int = 0
    contradiction_channel: str | None = None
    contradiction_window: tuple[int, int] = (0, 0)  # days since the demo's start
    anomaly: Condition | None = None
    anomaly_day: int = 0
    described: tuple[Pattern, ...] = ()

    @property
    def is_null(self) -> bool:
        return not self.described


def draw_patterns(
    rng: np.random.Generator, *, campaigns: list[str], paid_channels: tuple[str, ...],
    campaign_names: dict[str, str], consumer: bool, null: bool,
    families: tuple[str, ...] = ALL_FAMILIES,
) -> PlantedPatterns:
    """Chooses where each pattern goes: which campaign, which attributes, which month.

    A pattern goes only where the stack's tools can show it (`families` are those with a
    tool): one planted on a family the company has no tool for could never be found, and
    would only add churn that no data explains. With every family present the draws are
    the same whatever the stack, so a seed plants the same patterns on every full stack.
    """
    if null:
        return PlantedPatterns()
    days = (catalog.END - catalog.START).days
    present = frozenset(families)

    if not campaigns:
        # A company that buys no ads cannot hide a cheap channel or a conversion spike.
        return _without_paid_patterns(rng, consumer=consumer, days=days, families=families)
    wrong = campaigns[int(rng.integers(len(campaigns)))]
    wrong_channel = wrong.split(":")[0]

    eligible = [a for a in COHORT_ATTRIBUTES
                if a[1] in present and not (consumer and a[0] == "industry")]
    cohort: tuple[Condition, ...] = ()
    if len({family for _, family, _ in eligible}) >= 2:
        first, second = _two_from_different_families(rng, eligible)
        cohort = tuple(
            Condition(name, family, "=", values[int(rng.integers(len(values)))])
            for name, family, values in (first, second)
        )

    behaviours = [b for b in LEADING_BEHAVIOURS if BEHAVIOUR_FAMILY[b] in present]
    behaviour = behaviours[int(rng.integers(len(behaviours)))] if behaviours else None
    lead_days = int(rng.integers(4, 9)) * 7

    others = [c for c in paid_channels if c != wrong_channel] or list(paid_channels)
    contra_channel = others[int(rng.integers(len(others)))]
    contra_start = int(rng.integers(6, 15)) * 30
    window = (contra_start, contra_start + 30)

    anomaly_attrs = [a for a in ANOMALY_ATTRIBUTES
                     if a[1] in present and not (consumer and a[1] == "crm")]
    anomaly = None
    if anomaly_attrs and ANOMALY_NEEDS.issubset(present):
        name, family, values = anomaly_attrs[int(rng.integers(len(anomaly_attrs)))]
        if consumer and name == "plan":
            # One-person accounts never hold the business plan: its segment would be empty.
            values = tuple(v for v in values if v in catalog.ONE_PERSON_PLANS)
        anomaly = Condition(name, family, "=", values[int(rng.integers(len(values)))])
    anomaly_day = int(rng.integers(240, days - 75))

    if not WRONG_SIGNAL_NEEDS.issubset(present):
        wrong = None
    if not CONTRADICTION_NEEDS.issubset(present):
        contra_channel = None

    described = []
    if wrong is not None:
        described.append(Pattern(
            "wrong_signal",
            (Condition("acquisition_campaign", "ads", "=", campaign_names[wrong]),),
            ("cpa", "churn_rate_90d", "retention_adjusted_cac"),
            f"Campaign {campaign_names[wrong]!r} acquires customers at about half the usual "
            "cost, but they churn at about 2.8 times the usual rate.",
            {"campaign_key": wrong, "channel": wrong_channel, "cpa_factor": 0.5,
             "hazard_factor": 2.8},
        ))
    if cohort:
        described.append(Pattern(
            "invisible_cohort",
            cohort,
            ("churn_rate_90d",),
            "Customers matching every condition churn at about 4 times the baseline hazard; "
            "each condition alone barely moves churn.",
            {"hazard_factor": 4.0, "single_condition_factor": 0.85},
        ))
    if behaviour is not None:
        described.append(Pattern(
            "leading_indicator",
            (),
            (behaviour, "churn_rate_90d"),
            f"A drop in {behaviour.replace('_', ' ')} (for support tickets, a rise to about one "
            f"more ticket every three weeks) starts about {lead_days // 7} weeks before the "
            "customer's churn risk jumps sixfold.",
            {"behaviour": behaviour, "behaviour_source": BEHAVIOUR_FAMILY[behaviour],
             "lead_days": lead_days, "hazard_factor": LEADING_HAZARD_FACTOR,
             "onset_mean_days": LEADING_ONSET_MEAN_DAYS},
        ))
    if contra_channel is not None:
        described.append(Pattern(
            "contradiction",
            (Condition("acquisition_channel", "ads", "=", contra_channel),),
            ("conversions", "activation_rate"),
            f"During days {window[0]}-{window[1]} signups from {contra_channel} rise by about "
            "80% while the activation rate of those same signups falls by more than half.",
            {"channel": contra_channel, "start_day": window[0], "end_day": window[1],
             "start": str(catalog.START + _days(window[0])),
             "end": str(catalog.START + _days(window[1]))},
        ))
    if anomaly is not None:
        described.append(Pattern(
            "anomaly",
            (anomaly,),
            ("support_tickets", "sessions"),
            f"From day {anomaly_day} customers with {anomaly.attribute} = {anomaly.value} file "
            "about three times as many tickets while their product sessions fall by 45%.",
            {"change_day": anomaly_day, "date": str(catalog.START + _days(anomaly_day)),
             "ticket_factor": 3.0, "session_factor": 0.55},
        ))
    return PlantedPatterns(
        wrong_signal_campaign=wrong,
        cohort=cohort,
        leading_behaviour=behaviour,
        leading_lead_days=lead_days if behaviour is not None else 0,
        contradiction_channel=contra_channel,
        contradiction_window=window if contra_channel is not None else (0, 0),
        anomaly=anomaly,
        anomaly_day=anomaly_day if anomaly is not None else 0,
        described=tuple(described),
    )


def _without_paid_patterns(
    rng: np.random.Generator, *, consumer: bool, days: int, families: tuple[str, ...]
) -> PlantedPatterns:
    full = draw_patterns(
        rng, campaigns=["google_ads:0"], paid_channels=("google_ads",),
        campaign_names={"google_ads:0": "unused"}, consumer=consumer, null=False,
        families=families,
    )
    kept = tuple(p for p in full.described if p.family not in ("wrong_signal", "contradiction"))
    return PlantedPatterns(
        cohort=full.cohort,
        leading_behaviour=full.leading_behaviour,
        leading_lead_days=full.leading_lead_days,
        anomaly=full.anomaly,
        anomaly_day=full.anomaly_day,
        described=kept,
    )


def _two_from_different_families(
    rng: np.random.Generator, attributes: list[tuple[str, str, tuple[Any, ...]]]
) -> tuple[tuple[str, str, tuple[Any, ...]], tuple[str, str, tuple[Any, ...]]]:
    order = rng.permutation(len(attributes))
    first = attributes[int(order[0])]
    second = next(attributes[int(i)] for i in order[1:] if attributes[int(i)][1] != first[1])
    return first, second


def _days(n: int):
    from datetime import timedelta

    return timedelta(days=n)
