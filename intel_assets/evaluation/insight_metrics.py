"""Insight recall against the demo's planted patterns, and false discoveries on null data.

A finding matches a planted pattern when its family is the pattern's and its defining
segment is the pattern's segment, condition for condition (attribute and value, after
translating the pipeline's attribute names into the demo's); a leading indicator, whose
planted segment is everyone, matches by the behaviour it names. Matching never reads prose.
This module is the only place where the pipeline's vocabulary meets the answer key's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pandas as pd

TOP = 10
# The pipeline's attribute names (the marts' and the attribute frame's) in the demo's words.
ATTRIBUTE_NAMES = {
    "adopted_report_created_early": "adopted_report_created",
    "adopted_dashboard_shared_early": "adopted_dashboard_shared",
    "adopted_integration_connected_early": "adopted_integration_connected",
    "adopted_data_exported_early": "adopted_data_exported",
}
# Fragments of a leading indicator's metric names that say which planted behaviour it is.
BEHAVIOUR_WORDS = (
    ("session", "sessions"),
    ("report", "report_created"),
    ("email_open", "email_opens"),
    ("emails_opened", "email_opens"),
    ("ticket", "support_tickets"),
)


def insight_scores(
    current: pd.DataFrame, patterns: list[dict[str, Any]], *, null: bool
) -> dict[str, Any]:
    """The seed's insight figures: which planted patterns the top ten found, or, on null
    data, how many insights claimed significance."""
    ranked = current[current["status"] != "resolved"].sort_values("rank")
    significant = int((ranked["q_value"] < 0.05).sum())
    top = ranked.head(TOP).to_dict("records")

    found: dict[str, int | None] = {}
    for pattern in patterns:
        rank = next((int(f["rank"]) for f in top if matches(f, pattern)), None)
        found[pattern["family"]] = rank
    result: dict[str, Any] = {
        "significant": significant,
        "families_in_top10": sorted({f["family"] for f in top}),
    }
    if null:
        result["null_significant"] = significant
    else:
        result["planted"] = len(patterns)
        result["found_rank"] = found
        result["recall_top10"] = (
            round(sum(r is not None for r in found.values()) / len(patterns), 4)
            if patterns else None
        )
    return {"insights": result}


def matches(finding: dict[str, Any], pattern: dict[str, Any]) -> bool:
    if finding["family"] != pattern["family"]:
        return False
    segment = _conditions(_parsed(finding["segment"]))
    planted = _conditions(pattern["segment"])
    if pattern["family"] == "leading_indicator" and not planted:
        behaviour = pattern.get("parameters", {}).get("behaviour") or pattern["metrics"][0]
        return not segment and behaviour in _behaviours(_parsed(finding["metrics"]))
    return segment == planted


def aggregate(per_seed: list[dict[str, Any]], *, null: bool) -> dict[str, Any]:
    """Across seeds: mean recall and recall per family, or the summed null discoveries."""
    seeds = [r["insights"] for r in per_seed if "insights" in r]
    if null:
        return {"insights": {"null_significant": sum(s["null_significant"] for s in seeds),
                             "seeds_with_any": sum(s["null_significant"] > 0 for s in seeds)}}
    families: dict[str, list[bool]] = {}
    for seed in seeds:
        for family, rank in seed["found_rank"].items():
            families.setdefault(family, []).append(rank is not None)
    recalls = [s["recall_top10"] for s in seeds if s["recall_top10"] is not None]
    return {
        "insights": {
            "recall_top10": round(sum(recalls) / len(recalls), 4) if recalls else None,
            "recall_by_family": {f: round(sum(v) / len(v), 4) for f, v in families.items()},
            "seeds_all_found": sum(s["recall_top10"] == 1.0 for s in seeds),
        }
    }


def _conditions(segment: Iterable[dict[str, Any]]) -> frozenset[tuple[str, str, str]]:
    return frozenset(
        (ATTRIBUTE_NAMES.get(c["attribute"], c["attribute"]), c["operator"],
         json.dumps(c["value"]))
        for c in segment
    )


def _behaviours(metrics: Iterable[str]) -> set[str]:
    named = set()
    for metric in metrics:
        for word, behaviour in BEHAVIOUR_WORDS:
            if word in metric:
                named.add(behaviour)
    return named


def _parsed(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
