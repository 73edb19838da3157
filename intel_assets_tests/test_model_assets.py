"""The model and scores assets materialize through Dagster on a real DuckDB warehouse: a
version is trained and kept, every active customer at the latest snapshot is scored with
drivers, every snapshot row gets a probability, and the checks pass."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from intel_assets.model.assets import MODEL_ASSETS
from intel_assets.model.checks import MODEL_CHECKS
from intel_assets.model.resources import ModelFolder
from intel_assets.model.versions import ModelStore
from intel_assets.resources import Warehouse
from intel_assets_tests.model_helpers import snapshot_panel, snapshot_warehouse


def _materialize(home: Path, selection: list | None = None,
                 model_config: dict | None = None) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [*MODEL_ASSETS, *MODEL_CHECKS],
        selection=selection,
        run_config={"ops": {"model__churn_model": {"config": model_config}}}
        if model_config else None,
        resources={"warehouse": Warehouse(path=str(home / "warehouse.duckdb")),
                   "model_store": ModelFolder(root=str(home / "models"))},
        raise_on_error=False,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    snapshot_warehouse(tmp_path / "warehouse.duckdb", snapshot_panel(customers=500, seed=11))
    return tmp_path


def _table(home: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).df()


def test_training_and_scoring_materialize_and_pass_their_checks(home):
    result = _materialize(home)

    assert result.success
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks == {spec.name: True for check in MODEL_CHECKS for spec in check.check_specs}
    model_meta = result.asset_materializations_for_node("model__churn_model")[0].metadata
    assert model_meta["roc_auc"].value > 0.7
    assert isinstance(model_meta["brier"].value, float)
    assert model_meta["horizon_days"].value == 90


def test_scores_cover_every_active_customer_at_the_latest_snapshot(home):
    _materialize(home)

    scores = _table(home, "SELECT * FROM model.churn_scores")
    history = _table(home, "SELECT * FROM model.risk_history")
    snapshots = _table(home, "SELECT customer_id, snapshot_at FROM marts.customer_snapshots")
    active = _table(home, "SELECT customer_id FROM marts.customers WHERE NOT is_churned")

    assert list(scores.columns) == ["customer_id", "snapshot_at", "churn_probability",
                                    "risk_band", "drivers", "model_version", "horizon_days"]
    assert scores["customer_id"].is_unique
    assert set(scores["customer_id"]) == set(active["customer_id"])
    assert (scores["snapshot_at"] == snapshots["snapshot_at"].max()).all()
    assert scores["churn_probability"].between(0, 1).all()
    assert scores["drivers"].str.contains("risk").all()
    assert len(history) == len(snapshots)
    assert not history.duplicated(["customer_id", "snapshot_at"]).any()


def test_scoring_again_uses_the_current_version_without_training(home):
    _materialize(home)
    kept = ModelStore(home / "models").versions()

    again = _materialize(home, selection=[MODEL_ASSETS[1]])

    assert again.success
    assert ModelStore(home / "models").versions() == kept
    assert set(_table(home, "SELECT DISTINCT model_version FROM model.churn_scores")
               ["model_version"]) == {kept[-1]}


def test_scoring_before_any_training_fails_saying_what_to_do(home):
    result = _materialize(home, selection=[MODEL_ASSETS[1]])

    assert not result.success
    failure = result.get_step_failure_events()[0].step_failure_data.error
    assert "materialize model/churn_model first" in str(failure)


def test_a_second_version_is_judged_against_the_first_on_the_rows_both_held_out(home):
    _materialize(home)

    second = _materialize(home, model_config={"calibration": "isotonic"})

    assert second.success
    meta = second.asset_materializations_for_node("model__churn_model")[0].metadata
    kept = ModelStore(home / "models").versions()
    assert meta["previous_version"].value == kept[0]
    assert meta["roc_auc_change_on_shared_rows"].value is True
    assert meta["roc_auc_change_rows"].value == meta["validation_rows"].value
    drop = {e.check_name: e for e in second.get_asset_check_evaluations()}[
        "churn_model_auc_not_dropped"]
    assert drop.passed
    assert "validation rows both versions held out" in drop.description
