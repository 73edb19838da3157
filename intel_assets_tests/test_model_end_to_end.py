"""On the demo for two seeds (the homes `test_end_to_end` builds, so the demo is generated
once per seed), the churn model trains, passes its checks, and scores every active customer
with probabilities that rank churn far better than chance against the answer key."""

from __future__ import annotations

import pytest

from intel_assets.evaluation.model_metrics import model_scores
from intel_assets.model.checks import AUC_FLOOR
from intel_assets.model.versions import ModelStore
from intel_assets_tests.test_end_to_end import SEEDS, _query, demo_home

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return tmp_path_factory.mktemp("demo")


@pytest.mark.parametrize("seed", SEEDS)
def test_the_churn_model_materializes_on_the_demo_and_passes_its_checks(root, seed):
    home, result = demo_home(root, seed)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    printed = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert {"model/churn_model", "model/churn_scores"} <= printed
    assert not [line for line in result.stdout.splitlines()
                if "check failed: model/" in line]
    model = ModelStore(home / "models").current()
    assert model.metrics["roc_auc"] >= AUC_FLOOR


@pytest.mark.parametrize("seed", SEEDS)
def test_every_active_customer_is_scored_once_at_the_latest_snapshot(root, seed):
    home, _ = demo_home(root, seed)

    scores = _query(home, "SELECT * FROM model.churn_scores")
    active = _query(home, "SELECT customer_id FROM marts.customers WHERE NOT is_churned "
                          "AND customer_id IN (SELECT customer_id FROM marts.customer_snapshots "
                          "WHERE snapshot_at = (SELECT max(snapshot_at) "
                          "FROM marts.customer_snapshots))")
    history = _query(home, "SELECT count(*) AS n FROM model.risk_history")["n"].iloc[0]
    snapshots = _query(home, "SELECT count(*) AS n FROM marts.customer_snapshots")["n"].iloc[0]

    assert scores["customer_id"].is_unique
    assert set(scores["customer_id"]) == set(active["customer_id"])
    assert scores["drivers"].str.count("risk").ge(3).all()
    assert history == snapshots


@pytest.mark.parametrize("seed", SEEDS)
def test_the_model_recovers_most_of_the_oracle_auc(root, seed):
    home, _ = demo_home(root, seed)

    figures = model_scores(home / "models", home / "warehouse.duckdb", home / "demo_truth")

    assert figures["unmatched_rows"] == 0
    assert figures["ratio"] >= 0.8, figures
