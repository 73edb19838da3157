"""Benjamini-Hochberg control across a run: noise stays quiet, real effects get through."""

from __future__ import annotations

import numpy as np
import pytest

from intel_assets.insights.control import q_values, significant
from intel_assets.insights.rates import rate_greater_p
from intel_assets_tests.conftest import SEEDS


@pytest.mark.parametrize("seed", SEEDS)
def test_thousands_of_tests_on_pure_noise_claim_nothing(seed):
    rng = np.random.default_rng(seed)
    p = rng.uniform(size=5000)

    assert (p < 0.05).sum() > 150  # what testing each on its own would have claimed
    assert significant(q_values(p)).sum() == 0


@pytest.mark.parametrize("seed", SEEDS)
def test_real_effects_survive_among_noise(seed):
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(size=2000), [1e-9, 1e-8, 1e-7]])

    assert significant(q_values(p))[-3:].all()


def test_q_values_follow_benjamini_hochberg_by_hand():
    p = [0.01, 0.04, 0.03, 0.20]
    # Sorted: 0.01, 0.03, 0.04, 0.20 -> p * m / rank = 0.04, 0.06, 0.0533, 0.20, then the
    # running minimum from the top.
    assert q_values(p) == pytest.approx([0.04, 0.0533333, 0.0533333, 0.20])


def test_a_missing_p_value_is_refused_by_name():
    with pytest.raises(ValueError, match="p-value is NaN"):
        q_values([0.1, float("nan")])


@pytest.mark.parametrize("seed", SEEDS)
def test_the_exact_rate_test_holds_its_level_on_equal_rates(seed):
    rng = np.random.default_rng(seed)
    exposure = rng.uniform(50, 500, size=(4000, 2)) * 100
    events = rng.poisson(exposure * 0.002)

    p = rate_greater_p(events[:, 0], exposure[:, 0], events[:, 1], exposure[:, 1])

    assert 0.03 < (p < 0.05).mean() <= 0.055  # exact tests are a little conservative
