"""The quality guards pass a sound model and fail a deliberately degraded one, saying which
number failed and by how much."""

from __future__ import annotations

import numpy as np
import pytest

from intel_assets.model.calibration import fit_calibrator
from intel_assets.model.checks import (
    AUC_FLOOR,
    auc_above_floor,
    calibration_under_ceiling,
    no_large_drop,
    scores_not_collapsed,
)
from intel_assets.model.comparison import AucChange
from intel_assets.model.metrics import classification_metrics
from intel_assets.model.scoring import risk_band
from intel_assets.model.training import train_booster
from intel_assets_tests.conftest import SEEDS
from intel_assets_tests.model_helpers import QUICK, features_and_labels, snapshot_panel


def _measured(seed: int, *, shuffle: bool, calibrate: bool) -> dict[str, float]:
    panel = snapshot_panel(customers=900, seed=seed)
    x, y = features_and_labels(panel)
    if shuffle:
        y = np.random.default_rng(seed).permutation(y)
    train, valid, test = (np.arange(len(y)) % 3 == k for k in range(3))
    trained = train_booster(x[train], y[train], x[valid], y[valid], seed=seed, params=QUICK)
    raw = trained.booster.predict(x, raw_score=True)
    if calibrate:
        p = fit_calibrator(raw[valid], y[valid], "platt").probabilities(raw[test])
    else:
        p = 1 / (1 + np.exp(-raw[test]))
    return classification_metrics(y[test], p)


def _own_rows(older: dict[str, float], newer: dict[str, float]) -> AucChange:
    return AucChange(older_auc=older["roc_auc"], newer_auc=newer["roc_auc"],
                     rows=int(newer["rows"]), shared=False)


def _unchanged(metrics: dict[str, float]) -> AucChange:
    return _own_rows(metrics, metrics)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_sound_model_passes_every_guard(seed):
    metrics = _measured(seed, shuffle=False, calibrate=True)

    assert auc_above_floor(metrics).passed
    assert calibration_under_ceiling(metrics).passed
    assert no_large_drop(_unchanged(metrics)).passed


@pytest.mark.parametrize("seed", SEEDS)
def test_a_model_trained_on_shuffled_labels_fails_the_auc_floor(seed):
    sound = _measured(seed, shuffle=False, calibrate=True)
    degraded = _measured(seed, shuffle=True, calibrate=True)

    floor = auc_above_floor(degraded)
    drop = no_large_drop(_own_rows(sound, degraded))

    assert not floor.passed
    gap = AUC_FLOOR - degraded["roc_auc"]
    assert f"validation ROC AUC {degraded['roc_auc']:.4f} is {gap:.4f} below" in floor.description
    assert not drop.passed
    assert f"fell by {sound['roc_auc'] - degraded['roc_auc']:.4f}" in drop.description


@pytest.mark.parametrize("seed", SEEDS)
def test_a_model_left_uncalibrated_fails_the_calibration_ceiling(seed):
    metrics = _measured(seed, shuffle=False, calibrate=False)

    verdict = calibration_under_ceiling(metrics)

    assert not verdict.passed
    assert "above the ceiling 0.05" in verdict.description
    assert verdict.metadata["ece"] == metrics["ece"]


def test_scores_that_collapsed_onto_one_value_fail():
    same = np.full(500, 0.2)

    verdict = scores_not_collapsed(same, risk_band(same))

    assert not verdict.passed
    assert "standard deviation 0.0000 is 0.0200 below 0.02" in verdict.description


def test_scores_spread_over_the_bands_pass():
    spread = np.random.default_rng(3).beta(2, 6, 500)

    assert scores_not_collapsed(spread, risk_band(spread)).passed


def test_risk_bands_follow_the_stated_thresholds():
    bands = risk_band(np.array([0.0, 0.0999, 0.10, 0.2499, 0.25, 0.4999, 0.5, 1.0]))

    assert list(bands) == ["low", "low", "medium", "medium", "high", "high", "critical",
                           "critical"]
