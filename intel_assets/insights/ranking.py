"""Orders the run's significant findings by impact and confidence, without repeating one.

Confidence is how far the q-value lies below the control level, on a log scale; impact is
how many customers the finding touches, on a log scale too, so a finding about ten times
the customers counts for one step more, not ten times more. A family's second finding
counts for half, its third for a quarter: ten variations of one cohort at the top would
hide everything else a team should hear about.

Near-duplicates: the same segment with the same metrics from two detectors is one finding
(the better ranked keeps the other's family as corroboration); within a family, a segment
whose conditions contain or are contained in a better-ranked one's, on the same metrics, is
suppressed as a restatement.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from intel_assets.insights.candidate import Candidate
from intel_assets.insights.control import ALPHA

FULL_CONFIDENCE_Q = 1e-8  # a q-value this small or smaller is as sure as a finding gets
FAMILY_REPEAT_DISCOUNT = 0.5


@dataclass
class Finding:
    """A candidate that survived control, with what the ranking made of it."""

    candidate: Candidate
    q_value: float
    confidence: float
    impact: float
    score: float = 0.0
    rank: int = 0
    severity: str = "low"
    also_found_by: list[str] = field(default_factory=list)
    suppressed: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.candidate.key


def confidence_of(q_value: float) -> float:
    """0 at the control level, 1 at FULL_CONFIDENCE_Q and below."""
    q = max(q_value, FULL_CONFIDENCE_Q)
    return min(1.0, max(0.0, math.log(ALPHA / q) / math.log(ALPHA / FULL_CONFIDENCE_Q)))


def impact_of(candidate: Candidate) -> float:
    return math.log10(10 + max(0, candidate.customers_affected))


def severity_of(finding: Finding, customers: int) -> str:
    """High: near-certain and touching a real share of the base; low: either is thin."""
    share = finding.candidate.customers_affected / max(1, customers)
    if finding.confidence >= 0.5 and share >= 0.02:
        return "high"
    if finding.confidence >= 0.2 or share >= 0.02:
        return "medium"
    return "low"


def rank_findings(
    candidates: list[Candidate], q_values: list[float], *, customers: int
) -> list[Finding]:
    """The significant, reportable candidates, merged, ranked 1..n and given a severity."""
    findings = [
        Finding(c, float(q), confidence_of(float(q)), impact_of(c))
        for c, q in zip(candidates, q_values, strict=True)
        if q < ALPHA and c.reportable
    ]
    for finding in findings:
        finding.score = finding.confidence * finding.impact
    findings.sort(key=lambda f: (-f.score, f.q_value, f.key))

    kept = _merge_duplicates(findings)
    _discount_repeats(kept)
    for rank, finding in enumerate(kept, start=1):
        finding.rank = rank
        finding.severity = severity_of(finding, customers)
    return kept


def _merge_duplicates(findings: list[Finding]) -> list[Finding]:
    kept: list[Finding] = []
    for finding in findings:
        target = next((k for k in kept if _same_finding(k, finding)), None)
        if target is not None:
            if finding.candidate.family != target.candidate.family:
                target.also_found_by.append(finding.candidate.family)
            else:
                target.suppressed.append(finding.key)
            continue
        target = next((k for k in kept if _restates(k, finding)), None)
        if target is not None:
            target.suppressed.append(finding.key)
            continue
        kept.append(finding)
    return kept


def _segment(finding: Finding) -> frozenset[tuple[str, str, str]]:
    return frozenset(
        (c.attribute, c.operator, repr(c.value)) for c in finding.candidate.segment
    )


def _same_finding(kept: Finding, other: Finding) -> bool:
    return (_segment(kept) == _segment(other)
            and set(kept.candidate.metrics) == set(other.candidate.metrics))


def _restates(kept: Finding, other: Finding) -> bool:
    if kept.candidate.family != other.candidate.family:
        return False
    if set(kept.candidate.metrics) != set(other.candidate.metrics):
        return False
    a, b = _segment(kept), _segment(other)
    return bool(a and b) and (a < b or b < a)


def _discount_repeats(findings: list[Finding]) -> None:
    """Re-orders by score discounted for each better finding of the same family."""
    seen: Counter[str] = Counter()
    for finding in findings:
        family = finding.candidate.family
        finding.score *= FAMILY_REPEAT_DISCOUNT ** seen[family]
        seen[family] += 1
    findings.sort(key=lambda f: (-f.score, f.q_value, f.key))
