"""Two kept versions compare on the rows both held out, a degraded retrain fails the drop
guard there, and switching versions is counted in risk bands for today's customers."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sklearn.metrics import roc_auc_score

from intel_assets.cli import main
from intel_assets.model.checks import no_large_drop
from intel_assets.model.comparison import (
    RankedScores,
    auc_change,
    band_moves,
    shared_validation_rows,
)
from intel_assets.model.features import snapshot_feature_columns
from intel_assets.model.fitting import fit_churn_model
from intel_assets.model.scoring import BANDS
from intel_assets.model.versions import ModelStore
from intel_assets_tests.conftest import SEEDS
from intel_assets_tests.model_helpers import snapshot_panel, snapshot_warehouse


def _panel(seed: int) -> pd.DataFrame:
    return snapshot_panel(customers=700, seed=seed).drop(columns="true_probability")


def _a_month_earlier(panel: pd.DataFrame) -> pd.DataFrame:
    """The same company as seen a month before: the last snapshot not yet taken, and one
    fewer label window closed."""
    dates = np.sort(panel["snapshot_at"].unique())
    earlier = panel[panel["snapshot_at"] < dates[-1]].copy()
    earlier["label_window_closed_90d"] = earlier["snapshot_at"] <= dates[-5]
    return earlier


def _noise(panel: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Every feature shuffled across rows, labels and keys left in place: a model trained on
    it learns nothing, as a retrain on a broken feed would."""
    features = snapshot_feature_columns(panel.columns)
    order = np.random.default_rng(seed).permutation(len(panel))
    broken = panel.copy()
    broken[features] = panel[features].iloc[order].to_numpy()
    return broken


def _kept(store: ModelStore, frame: pd.DataFrame, **options):
    fitted = fit_churn_model(frame, **options)
    return store.save(fitted.booster.model_to_string(), fitted.metadata(), fitted.validation)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_retrain_a_month_later_is_compared_on_the_rows_both_held_out(tmp_path, seed):
    panel = _panel(seed)
    store = ModelStore(tmp_path)
    older = _kept(store, _a_month_earlier(panel))
    newer = _kept(store, panel)

    shared = shared_validation_rows(older, newer)
    change = auc_change(older, newer)

    assert 0 < len(shared) < len(newer.validation())
    assert change.shared and change.rows == len(shared)
    assert change.newer_auc == pytest.approx(roc_auc_score(shared["label"], shared["newer"]))
    assert change.older_auc == pytest.approx(roc_auc_score(shared["label"], shared["older"]))
    assert change.low < change.change < change.high
    assert "validation rows both versions held out" in change.basis


@pytest.mark.parametrize("seed", SEEDS)
def test_a_retrain_on_a_broken_feed_fails_the_drop_guard_on_shared_rows(tmp_path, seed):
    panel = _panel(seed)
    store = ModelStore(tmp_path)
    sound = _kept(store, panel)
    broken = _kept(store, _noise(panel, seed))

    change = auc_change(sound, broken)
    verdict = no_large_drop(change)

    assert change.shared and change.rows == len(sound.validation())
    assert change.high < 0
    assert not verdict.passed
    assert f"fell by {-change.change:.4f}" in verdict.description
    assert f"on the {change.rows:,} validation rows both versions held out" in verdict.description
    assert verdict.metadata["change_high"] == change.high


def test_versions_of_different_horizons_fall_back_to_their_own_figures(tmp_path):
    panel = _panel(3)
    panel["churned_within_60d"] = panel["churned_within_90d"]
    panel["label_window_closed_60d"] = panel["label_window_closed_90d"]
    store = ModelStore(tmp_path)
    ninety = _kept(store, panel)
    sixty = _kept(store, panel, horizon_days=60)

    change = auc_change(ninety, sixty)

    assert not change.shared
    assert change.older_auc == ninety.metrics["roc_auc"]
    assert change.newer_auc == sixty.metrics["roc_auc"]
    assert change.low is None
    assert "each on its own validation rows" in no_large_drop(change).description


def test_the_first_version_has_nothing_to_drop_from():
    verdict = no_large_drop(None)

    assert verdict.passed
    assert verdict.description == "first model version: nothing to compare with"


def test_ranked_scores_give_sklearns_weighted_auc_with_ties():
    rng = np.random.default_rng(5)
    scores = pd.Series(np.round(rng.random(3_000), 2))  # many ties
    labels = rng.random(3_000) < scores
    weight = rng.integers(0, 4, 3_000).astype("float64")

    ranked = RankedScores(scores, labels)

    assert ranked.auc(weight) == pytest.approx(
        roc_auc_score(labels, scores, sample_weight=weight), abs=1e-12)
    assert ranked.auc(np.ones(3_000)) == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)


def test_the_interval_is_reproducible_and_drawn_by_its_seed(tmp_path):
    panel = _panel(11)
    store = ModelStore(tmp_path)
    older = _kept(store, _a_month_earlier(panel))
    newer = _kept(store, panel)

    first, again = auc_change(older, newer), auc_change(older, newer)
    other = auc_change(older, newer, seed=1)

    assert (first.low, first.high) == (again.low, again.high)
    assert (first.low, first.high) != (other.low, other.high)


def test_band_moves_count_every_active_customer_once(tmp_path):
    panel = _panel(3)
    store = ModelStore(tmp_path)
    older = _kept(store, _a_month_earlier(panel))
    newer = _kept(store, panel)
    latest = panel[panel["snapshot_at"] == panel["snapshot_at"].max()]
    active = latest["customer_id"].iloc[::2]

    moves = band_moves(older, newer, panel, active)
    same = band_moves(newer, newer, panel, active)

    assert list(moves.index) == list(BANDS) and list(moves.columns) == list(BANDS)
    assert int(moves.to_numpy().sum()) == len(active)
    assert int(np.trace(same.to_numpy())) == len(active)


def test_band_moves_name_a_feature_the_snapshots_no_longer_hold(tmp_path):
    panel = _panel(3)
    store = ModelStore(tmp_path)
    older = _kept(store, panel)

    with pytest.raises(KeyError, match="tickets_30d"):
        band_moves(older, older, panel.drop(columns="tickets_30d"), panel["customer_id"])


def _home(home) -> dict[str, str | None]:
    """The command's environment: this home, and no path variable of the caller's."""
    moved = ("INTEL_LANDING_DIR", "INTEL_WAREHOUSE", "DAGSTER_HOME", "INTEL_STACK")
    return {"INTEL_HOME": str(home), **dict.fromkeys(moved)}


@pytest.fixture
def home_with_two_versions(tmp_path):
    panel = _panel(11)
    snapshot_warehouse(tmp_path / "warehouse.duckdb", panel)
    store = ModelStore(tmp_path / "models")
    return tmp_path, [_kept(store, _a_month_earlier(panel)).version,
                      _kept(store, panel, calibration="isotonic").version]


def test_the_models_command_lists_every_version_and_marks_the_current(home_with_two_versions):
    home, (older, newer) = home_with_two_versions

    result = CliRunner().invoke(main, ["models"], env=_home(home))

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].startswith(f"  {older} ") and lines[2].startswith(f"* {newer} ")
    assert "isotonic" in lines[2] and "platt" in lines[1]


def test_compare_defaults_to_the_current_version_against_the_one_before(home_with_two_versions):
    home, (older, newer) = home_with_two_versions

    result = CliRunner().invoke(main, ["models", "compare", "--json"],
                                env=_home(home))

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["older"], report["newer"]) == (older, newer)
    assert report["auc_change"]["shared"] is True
    moved = report["band_moves"]
    active = 700 - 70  # a tenth of the customers left before the last snapshot
    assert sum(n for row in moved.values() for n in row.values()) == active
    assert set(report["figures"]) >= {"roc_auc", "pr_auc", "brier", "ece"}


def test_compare_in_words_names_both_versions_and_the_band_moves(home_with_two_versions):
    home, (older, newer) = home_with_two_versions

    result = CliRunner().invoke(main, ["models", "compare", older[:5], newer[:5]],
                                env=_home(home))

    assert result.exit_code == 0, result.output
    assert f"older: {older}" in result.output and f"newer: {newer}" in result.output
    assert "validation rows both versions held out" in result.output
    assert "customers" in result.output.splitlines()[-1]
    assert "change band" in result.output


def test_compare_with_one_version_kept_is_a_usage_error(tmp_path):
    _kept(ModelStore(tmp_path / "models"), _panel(3))

    result = CliRunner().invoke(main, ["models", "compare"], env=_home(tmp_path))

    assert result.exit_code == 2
    assert "is the only version kept: nothing to compare" in result.output


def test_compare_without_a_warehouse_still_compares_the_figures(home_with_two_versions):
    home, _ = home_with_two_versions
    (home / "warehouse.duckdb").unlink()

    result = CliRunner().invoke(main, ["models", "compare"], env=_home(home))

    assert result.exit_code == 0, result.output
    assert f"not rescored: no warehouse at {home / 'warehouse.duckdb'}" in result.output
