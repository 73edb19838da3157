"""What a detector hands to the insight engine: a finding with its evidence, before control.

Detectors know their own statistics; the engine knows the run. A detector returns
candidates with raw p-values; the engine controls the false-discovery rate across every
candidate of the run, merges near-duplicates, ranks, keys and stores them. Keeping the
segment structured (attribute, source, operator, value) is what lets a program compare two
findings, or a finding with a planted pattern, without reading prose.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb

FAMILIES = ("wrong_signal", "invisible_cohort", "leading_indicator", "contradiction", "anomaly")
OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "in")


@dataclass(frozen=True)
class Condition:
    """One condition on a customer attribute, named as the marts name it.

    `source` is the tool family whose data the attribute comes from (ads, product, crm,
    support, lifecycle, billing, surveys), so that a segment says which slices it joins.
    """

    attribute: str
    source: str
    operator: str
    value: Any

    def __post_init__(self) -> None:
        if self.operator not in OPERATORS:
            raise ValueError(f"unknown operator {self.operator!r} in condition on {self.attribute}")

    def to_dict(self) -> dict[str, Any]:
        return {"attribute": self.attribute, "source": self.source,
                "operator": self.operator, "value": _plain(self.value)}

    def describe(self) -> str:
        return f"{self.attribute} {self.operator} {_plain(self.value)}"


@dataclass(frozen=True)
class Candidate:
    """One finding a detector believes, with the numbers behind it.

    `metrics` names what was measured, first the subject (the behaviour, the metric that
    moved) and then the outcome; with `family` and `segment` it defines the finding, so it
    must not depend on the data's values. `effect_size` is signed in the direction of harm
    for the business (positive when the segment is worse). `severity_score` is the
    detector's own measure of how much it matters, already scaled to 0..1 (0 when the
    detector gives none).

    A detector returns every candidate it tested, so that false-discovery control sees the
    whole search. `reportable` is False for a candidate that was tested (and counts in the
    control) but is not a finding even if significant: a campaign whose churn is real but
    whose CPA never looked good, a segment another candidate of the same search covers.
    """

    family: str
    segment: tuple[Condition, ...]
    metrics: tuple[str, ...]
    title: str
    narrative: str
    sources: tuple[str, ...]
    sample_size: int
    baseline_size: int
    effect_size: float
    p_value: float
    customers_affected: int
    mrr_affected: float
    next_step: str
    evidence: dict[str, Any] = field(default_factory=dict)
    severity_score: float = 0.0
    reportable: bool = True

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"unknown insight family {self.family!r}")
        if not 0.0 <= self.p_value <= 1.0:
            raise ValueError(f"{self.family}: p-value {self.p_value} is outside [0, 1]")

    @property
    def key(self) -> str:
        """Stable across runs: the family, the segment and the metrics, never the values."""
        segment = sorted(
            (c.attribute, c.operator, json.dumps(_plain(c.value), sort_keys=True))
            for c in self.segment
        )
        text = json.dumps([self.family, segment, list(self.metrics)])
        return f"{self.family}:{hashlib.sha1(text.encode()).hexdigest()[:12]}"

    @property
    def cross_source(self) -> bool:
        return len(set(self.sources)) >= 2

    def segment_json(self) -> str:
        return json.dumps([c.to_dict() for c in self.segment], sort_keys=True)


Detector = Callable[[duckdb.DuckDBPyConnection], list[Candidate]]


def _plain(value: Any) -> Any:
    """Numpy scalars and tuples as JSON-friendly Python values."""
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, tuple | list | set | frozenset):
        return sorted(_plain(v) for v in value)
    return value
