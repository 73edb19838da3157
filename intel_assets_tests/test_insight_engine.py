"""The insight engine: stable keys, statuses across runs, deduplication, storage, report."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from intel_assets.insights.candidate import Candidate, Condition
from intel_assets.insights.engine import run_insights
from intel_assets.insights.ranking import rank_findings
from intel_assets.insights.report import as_records, markdown_table, printed

T0 = datetime(2026, 12, 1, 6, 0, 0)
STARTER = Condition("plan", "billing", "=", "starter")
TICKET = Condition("has_onboarding_ticket", "support", "=", True)
EMEA = Condition("region", "crm", "=", "EMEA")


def _candidate(family="invisible_cohort", segment=(STARTER, TICKET), *, p=1e-10,
               effect=0.30, customers=400, metrics=("churn_rate_90d",)) -> Candidate:
    return Candidate(
        family=family, segment=tuple(segment), metrics=metrics,
        title=f"{family} on {', '.join(c.describe() for c in segment)}",
        narrative="numbers", sources=tuple(sorted({c.source for c in segment})),
        sample_size=customers, baseline_size=2000, effect_size=effect, p_value=p,
        customers_affected=customers, mrr_affected=customers * 50.0, next_step="act",
    )


def _noise(count: int = 200) -> list[Candidate]:
    return [_candidate(segment=(Condition("industry", "crm", "=", f"i{i}"), TICKET), p=0.5)
            for i in range(count)]


@pytest.fixture
def customers(warehouse):
    warehouse.execute("create schema marts")
    warehouse.execute("create table marts.customers as select range::varchar as customer_id, "
                      "range % 4 = 0 as is_churned from range(4000)")
    return warehouse


def _run(con, candidates, run_number):
    return run_insights(
        con, run_id=f"run-{run_number}", run_at=T0 + timedelta(days=run_number),
        detectors=[("hand_built", lambda _con: list(candidates))],
    )


def test_the_key_depends_on_the_segment_and_metrics_never_on_the_numbers():
    one = _candidate(p=1e-10, effect=0.3, customers=400)
    same = replace(_candidate(p=0.02, effect=0.1, customers=90), title="other words")
    reordered = _candidate(segment=(TICKET, STARTER))

    assert one.key == same.key == reordered.key
    assert one.key != _candidate(segment=(STARTER, EMEA)).key
    assert one.key != _candidate(metrics=("churn_rate_30d",)).key
    assert one.key.startswith("invisible_cohort:")


def test_statuses_follow_an_insight_across_runs(customers):
    steady = _candidate(segment=(STARTER, EMEA), effect=0.30)
    moving = _candidate(effect=0.30)
    leaving = _candidate(segment=(EMEA, TICKET), effect=0.30)

    first = _run(customers, [steady, moving, leaving, *_noise()], 1)
    second = _run(customers, [replace(steady, effect_size=0.31),
                              replace(moving, effect_size=0.45), *_noise()], 2)
    third = _run(customers, [replace(steady, effect_size=0.31),
                             replace(moving, effect_size=0.20), *_noise()], 3)

    status = {row["key"]: row["status"] for row in first.current.to_dict("records")}
    assert status == {steady.key: "new", moving.key: "new", leaving.key: "new"}
    status = {row["key"]: row["status"] for row in second.current.to_dict("records")}
    assert status == {steady.key: "persisting", moving.key: "worsening",
                      leaving.key: "resolved"}
    status = {row["key"]: row["status"] for row in third.current.to_dict("records")}
    assert status == {steady.key: "persisting", moving.key: "improving"}

    seen = customers.execute(
        "select first_seen_at, last_seen_at from insights.current where key = ?", [steady.key]
    ).fetchall()
    assert seen == [(T0 + timedelta(days=1), T0 + timedelta(days=3))]
    runs = customers.execute(
        "select run_id, candidates_tested, kept from insights.runs order by run_at").fetchall()
    assert runs == [("run-1", 203, 3), ("run-2", 202, 2), ("run-3", 202, 2)]
    assert customers.execute("select count(*) from insights.history").fetchall() == [(8,)]


def test_an_insight_that_comes_back_after_resolving_is_new_again(customers):
    finding = _candidate()
    _run(customers, [finding, *_noise()], 1)
    _run(customers, _noise(), 2)
    third = _run(customers, [finding, *_noise()], 3)

    row = third.current.set_index("key").loc[finding.key]
    assert row["status"] == "new"
    assert row["first_seen_at"] == T0 + timedelta(days=3)


def test_storing_a_run_again_replaces_it(customers):
    candidates = [_candidate(), *_noise()]
    _run(customers, candidates, 1)
    _run(customers, candidates, 1)

    assert customers.execute("select count(*) from insights.runs").fetchall() == [(1,)]
    assert customers.execute("select count(*) from insights.history").fetchall() == [(1,)]


def test_nothing_survives_when_every_candidate_is_noise(customers):
    outcome = _run(customers, _noise(500), 1)

    assert outcome.findings == []
    assert outcome.run.candidates_tested == 500
    assert customers.execute("select count(*) from insights.current").fetchall() == [(0,)]
    assert "No insight is significant" in markdown_table(outcome.current)


def test_a_candidate_that_is_not_reportable_counts_in_the_control_but_is_not_shown(customers):
    hidden = replace(_candidate(p=1e-12), reportable=False)
    outcome = _run(customers, [hidden, _candidate(segment=(STARTER, EMEA), p=0.001),
                               *_noise(50)], 1)

    assert [f.key for f in outcome.findings] == [_candidate(segment=(STARTER, EMEA)).key]
    assert outcome.run.significant == 2


def test_the_same_segment_from_two_detectors_is_one_insight():
    cohort = _candidate(p=1e-12)
    anomaly = _candidate(family="anomaly", p=1e-6)

    findings = rank_findings([cohort, anomaly], [1e-11, 1e-5], customers=4000)

    assert [f.key for f in findings] == [cohort.key]
    assert findings[0].also_found_by == ["anomaly"]


def test_a_segment_and_its_refinement_are_not_both_reported():
    broad = _candidate(segment=(STARTER, TICKET), p=1e-12)
    narrow = _candidate(segment=(STARTER, TICKET, EMEA), p=1e-9, customers=120)
    other_family = _candidate(family="anomaly", segment=(STARTER,), p=1e-9,
                              metrics=("tickets", "sessions"))

    findings = rank_findings([narrow, broad, other_family], [1e-8, 1e-11, 1e-8],
                             customers=4000)

    assert [f.key for f in findings] == [broad.key, other_family.key]
    assert findings[0].suppressed == [narrow.key]


def test_one_family_cannot_fill_the_top_of_the_ranking():
    cohorts = [_candidate(segment=(Condition("industry", "crm", "=", f"i{i}"), TICKET),
                          customers=1000) for i in range(6)]
    signal = _candidate(family="wrong_signal",
                        segment=(Condition("acquisition_campaign", "ads", "=", "X"),),
                        customers=300)

    findings = rank_findings([*cohorts, signal], [1e-12] * 6 + [1e-6], customers=4000)

    assert [f.rank for f in findings] == list(range(1, 8))
    assert findings[1].candidate.family == "wrong_signal"


def test_the_report_shows_ranked_insights_with_their_numbers(customers):
    outcome = _run(customers, [_candidate(), *_noise()], 1)

    table = markdown_table(outcome.current)
    assert table.splitlines()[0].startswith("| # | severity |")
    assert "| 1 | high | new | invisible_cohort |" in table
    assert "next: act" in printed(outcome.current)
    record = as_records(outcome.current)[0]
    assert record["segment"] == [STARTER.to_dict(), TICKET.to_dict()] or \
        record["segment"] == [TICKET.to_dict(), STARTER.to_dict()]
    assert json.dumps(record, default=str)
