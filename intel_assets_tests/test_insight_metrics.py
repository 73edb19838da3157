"""Matching insights to the demo's planted patterns by family and defining segment."""

from __future__ import annotations

import json

import pandas as pd

from intel_assets.evaluation.insight_metrics import aggregate, insight_scores, matches

PATTERNS = [
    {"family": "invisible_cohort", "metrics": ["churn_rate_90d"], "parameters": {},
     "segment": [
         {"attribute": "clicked_onboarding_email", "source": "lifecycle", "operator": "=",
          "value": False},
         {"attribute": "adopted_integration_connected", "source": "product", "operator": "=",
          "value": False}]},
    {"family": "leading_indicator", "segment": [], "metrics": ["email_opens", "churn_rate_90d"],
     "parameters": {"behaviour": "email_opens"}},
    {"family": "wrong_signal", "metrics": ["cpa"], "parameters": {},
     "segment": [{"attribute": "acquisition_campaign", "source": "ads", "operator": "=",
                  "value": "Remarketing"}]},
]


def _row(rank, family, segment, metrics, status="new", q=1e-6):
    return {"rank": rank, "family": family, "segment": json.dumps(segment),
            "metrics": json.dumps(metrics), "status": status, "q_value": q}


def _cohort(value=False):
    return [
        {"attribute": "adopted_integration_connected_early", "source": "product",
         "operator": "=", "value": value},
        {"attribute": "clicked_onboarding_email", "source": "lifecycle", "operator": "=",
         "value": False},
    ]


def test_a_finding_matches_on_translated_attributes_in_any_order():
    assert matches(_row(1, "invisible_cohort", _cohort(), ["churn_rate_90d"]), PATTERNS[0])
    assert not matches(_row(1, "invisible_cohort", _cohort(True), ["x"]), PATTERNS[0])
    assert not matches(_row(1, "anomaly", _cohort(), ["x"]), PATTERNS[0])


def test_a_leading_indicator_matches_by_the_behaviour_it_names():
    opens = _row(1, "leading_indicator", [], ["emails_opened", "churned_within_13w"])
    sessions = _row(1, "leading_indicator", [], ["sessions", "churned_within_13w"])

    assert matches(opens, PATTERNS[1])
    assert not matches(sessions, PATTERNS[1])


def test_recall_counts_only_the_top_ten_and_null_counts_every_claim():
    current = pd.DataFrame(
        [_row(1, "invisible_cohort", _cohort(), ["churn_rate_90d"])]
        + [_row(i, "anomaly", [{"attribute": "plan", "source": "billing", "operator": "=",
                                "value": f"p{i}"}], ["t"]) for i in range(2, 12)]
        + [_row(12, "leading_indicator", [], ["emails_opened", "churned"])]
        + [_row(None, "wrong_signal", PATTERNS[2]["segment"], ["cpa"], status="resolved")]
    )

    seed = insight_scores(current, PATTERNS, null=False)["insights"]
    assert seed["found_rank"] == {"invisible_cohort": 1, "leading_indicator": None,
                                  "wrong_signal": None}
    assert seed["recall_top10"] == round(1 / 3, 4)

    null_seed = insight_scores(current, [], null=True)["insights"]
    assert null_seed["null_significant"] == 12
    summary = aggregate([{"insights": seed}, {"insights": seed}], null=False)["insights"]
    assert summary["recall_by_family"] == {"invisible_cohort": 1.0, "leading_indicator": 0.0,
                                           "wrong_signal": 0.0}
