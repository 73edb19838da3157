"""Calibration turns class-weighted raw scores into probabilities that score better on rows
the calibrator never saw."""

from __future__ import annotations

import numpy as np
import pytest

from intel_assets.model.calibration import cross_fitted, fit_calibrator
from intel_assets.model.metrics import classification_metrics, expected_calibration_error
from intel_assets.model.training import train_booster
from intel_assets_tests.conftest import SEEDS
from intel_assets_tests.model_helpers import QUICK, features_and_labels, snapshot_panel


def _brier(y, p):
    return float(np.mean((p - y) ** 2))


@pytest.mark.parametrize("method", ["platt", "isotonic"])
@pytest.mark.parametrize("seed", SEEDS)
def test_calibration_improves_brier_score_on_held_out_rows(seed, method):
    panel = snapshot_panel(customers=900, seed=seed)
    x, y = features_and_labels(panel)
    train, calibrate, held_out = (np.arange(len(y)) % 3 == k for k in range(3))
    trained = train_booster(x[train], y[train], x[calibrate], y[calibrate], seed=seed,
                            params=QUICK)
    raw = trained.booster.predict(x, raw_score=True)

    calibrator = fit_calibrator(raw[calibrate], y[calibrate], method)

    uncalibrated = 1 / (1 + np.exp(-raw[held_out]))
    calibrated = calibrator.probabilities(raw[held_out])
    assert _brier(y[held_out], calibrated) < _brier(y[held_out], uncalibrated) - 0.01
    assert expected_calibration_error(y[held_out], calibrated) < 0.05


def test_platt_scaling_keeps_the_ranking_so_the_auc_is_unchanged():
    rng = np.random.default_rng(3)
    raw = rng.normal(size=2000)
    y = (rng.random(2000) < 1 / (1 + np.exp(-2 * raw))).astype(int)

    calibrator = fit_calibrator(raw, y, "platt")

    before = classification_metrics(y, 1 / (1 + np.exp(-raw)))["roc_auc"]
    after = classification_metrics(y, calibrator.probabilities(raw))["roc_auc"]
    assert after == pytest.approx(before, abs=1e-12)


def test_cross_fitted_probabilities_come_from_the_other_customers():
    rng = np.random.default_rng(11)
    raw = rng.normal(size=400)
    y = (rng.random(400) < 0.3).astype(int)
    groups = np.repeat(np.arange(100), 4)

    held_out = cross_fitted(raw, y, groups, "isotonic")

    fitted_on_all = fit_calibrator(raw, y, "isotonic").probabilities(raw)
    assert held_out.shape == raw.shape
    assert not np.allclose(held_out, fitted_on_all)


def test_an_unknown_calibration_method_is_named_in_the_error():
    with pytest.raises(ValueError, match=r"must be one of .* got 'beta'"):
        fit_calibrator(np.zeros(4), np.array([0, 1, 0, 1]), "beta")


def test_expected_calibration_error_is_zero_when_each_bin_matches_its_outcomes():
    p = np.array([0.25] * 4 + [0.75] * 4)
    y = np.array([1, 0, 0, 0, 1, 1, 1, 0])

    assert expected_calibration_error(y, p) == pytest.approx(0.0)
    assert expected_calibration_error(y, np.full(8, 0.9)) == pytest.approx(0.4)
