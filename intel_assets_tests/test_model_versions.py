"""Every trained version is kept, the newest is current, and training again on the same data
finds the same version."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from intel_assets.model.fitting import fit_churn_model
from intel_assets.model.versions import ModelStore, NoModelError
from intel_assets_tests.model_helpers import snapshot_panel


def _fitted(seed: int):
    panel = snapshot_panel(customers=400, seed=seed).drop(columns="true_probability")
    return fit_churn_model(panel), panel


def _save(store: ModelStore, fitted):
    return store.save(fitted.booster.model_to_string(), fitted.metadata(), fitted.validation)


def test_two_versions_are_kept_and_found_by_their_beginning(tmp_path):
    store = ModelStore(tmp_path)
    first, _ = _fitted(3)
    second, _ = _fitted(11)

    older = _save(store, first)
    newer = _save(store, second)

    assert store.versions() == [older.version, newer.version]
    assert store.current().version == newer.version
    assert store.previous(newer.version).version == older.version
    assert store.find(older.version[:5]).version == older.version
    assert len(older.validation()) == first.summary["validation_rows"]
    assert newer.metadata["saved_at"] >= older.metadata["saved_at"]


def test_a_version_prefix_matching_none_or_several_is_refused_naming_the_kept(tmp_path):
    store = ModelStore(tmp_path)
    kept = [_save(store, _fitted(seed)[0]).version for seed in (3, 11)]

    with pytest.raises(NoModelError, match=f"2 versions in .* match 'v000'; kept: {kept[0]}"):
        store.find("v000")
    with pytest.raises(NoModelError, match=r"no version in .* match 'v9'"):
        store.find("v9")


def test_a_stored_version_scores_exactly_as_the_trained_model(tmp_path):
    fitted, panel = _fitted(3)
    stored = _save(ModelStore(tmp_path), fitted)
    from intel_assets.model.features import with_history

    matrix = stored.spec.matrix(with_history(panel))

    np.testing.assert_allclose(stored.booster().predict(matrix, raw_score=True),
                               fitted.booster.predict(matrix, raw_score=True))


def test_training_again_on_the_same_data_finds_the_same_version(tmp_path):
    store = ModelStore(tmp_path)

    first = _save(store, _fitted(3)[0])
    again = _save(store, _fitted(3)[0])

    assert again.version == first.version
    assert store.versions() == [first.version]


def test_the_same_trees_calibrated_another_way_are_a_new_current_version(tmp_path):
    panel = snapshot_panel(customers=400, seed=3).drop(columns="true_probability")
    store = ModelStore(tmp_path)

    platt = _save(store, fit_churn_model(panel, calibration="platt"))
    isotonic = _save(store, fit_churn_model(panel, calibration="isotonic"))

    assert isotonic.version != platt.version
    assert store.current().calibrator.method == "isotonic"


def test_an_empty_store_says_what_to_materialize(tmp_path):
    with pytest.raises(NoModelError, match="materialize model/churn_model first"):
        ModelStore(tmp_path).current()


def test_validation_rows_come_after_training_rows_in_the_stored_figures(tmp_path):
    fitted, _ = _fitted(11)

    assert pd.Timestamp(fitted.summary["train_end"]) < pd.Timestamp(
        fitted.summary["validation_start"])
    assert fitted.metrics["brier"] < fitted.metrics["brier_uncalibrated"]
