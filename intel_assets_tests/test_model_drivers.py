"""Each score's drivers add up, with the base value, to the model's raw score, and read as
words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from intel_assets.model import drivers as drivers_module
from intel_assets.model.drivers import (
    Drivers,
    contributions,
    describe_drivers,
    exact_contributions,
    feature_words,
    top_drivers,
)
from intel_assets.model.training import train_booster
from intel_assets_tests.conftest import SEEDS
from intel_assets_tests.model_helpers import QUICK, features_and_labels, snapshot_panel


def _trained_on_half(seed: int, *, customers: int = 500, signal: float = 1.0):
    """A quick booster trained on every other row, and the rows it held out."""
    x, y = features_and_labels(snapshot_panel(customers=customers, seed=seed, signal=signal))
    half = np.arange(len(y)) % 2 == 0
    trained = train_booster(x[half], y[half], x[~half], y[~half], seed=seed, params=QUICK)
    return trained.booster, x[~half]


@pytest.mark.parametrize("seed", SEEDS)
def test_driver_contributions_sum_with_the_base_value_to_the_raw_score(seed):
    booster, held_out = _trained_on_half(seed)

    contrib = contributions(booster, held_out)

    raw = booster.predict(held_out, raw_score=True)
    assert contrib.shape == (len(held_out), held_out.shape[1] + 1)
    np.testing.assert_allclose(contrib.sum(axis=1), raw, rtol=1e-9, atol=1e-9)
    base = contrib[:, -1]
    assert np.allclose(base, base[0])


@pytest.mark.parametrize("seed", SEEDS)
def test_path_shares_agree_with_lightgbm_treeshap_on_the_strongest_driver(seed):
    booster, held_out = _trained_on_half(seed)

    fast = contributions(booster, held_out)
    exact = exact_contributions(booster, held_out)

    np.testing.assert_allclose(exact.sum(axis=1), fast.sum(axis=1), atol=1e-9)
    strongest = np.argmax(np.abs(fast[:, :-1]), axis=1)
    exact_top3 = np.argsort(-np.abs(exact[:, :-1]), axis=1)[:, :3]
    rows = np.arange(len(strongest))
    assert (exact_top3 == strongest[:, None]).any(axis=1).mean() >= 0.9
    same_sign = np.sign(fast[rows, strongest]) == np.sign(exact[rows, strongest])
    assert same_sign.mean() >= 0.95


def test_the_strongest_driver_is_named_with_its_value_and_direction():
    booster, held_out = _trained_on_half(3, customers=800, signal=2.0)
    row = held_out.assign(tickets_30d=9.0, sessions_30d=0.0).iloc[[0]]

    lines = describe_drivers(top_drivers(booster, row, 3), row)

    assert "support tickets in last 30 days: 9, raises risk" in lines[0]
    assert lines[0].count(";") == 2


def test_feature_names_read_as_phrases():
    assert feature_words("tickets_30d") == "support tickets in last 30 days"
    assert feature_words("emails_opened_30d_vs_usual") == (
        "emails opened in last 30 days against the account's usual month")
    assert feature_words("days_since_last_event") == "days since the last product event"
    assert feature_words("some_new_column") == "some new column"


def test_values_are_shown_plainly():
    values = pd.DataFrame({"clicked_onboarding_email": [False], "mrr": [1234.5],
                           "plan": ["team"]})
    contrib = np.array([[0.5, -0.25, 0.1, -1.0]])

    line = describe_drivers(Drivers.largest(contrib, 3), values)[0]

    assert line == ("clicked an onboarding email: no, raises risk; monthly recurring revenue: "
                    "1,234.50, lowers risk; plan: team, raises risk")


def test_drivers_read_a_chunk_at_a_time_match_those_of_every_row_at_once(monkeypatch):
    booster, held_out = _trained_on_half(4)
    whole = Drivers.largest(contributions(booster, held_out), 3)  # one chunk
    one_chunk = drivers_module.CHUNK_ROWS

    monkeypatch.setattr(drivers_module, "CHUNK_ROWS", 37)
    chunked = top_drivers(booster, held_out, 3)

    assert 5 * 37 < len(held_out) <= one_chunk
    np.testing.assert_allclose(chunked.raw, booster.predict(held_out, raw_score=True),
                               rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(chunked.features, whole.features)
    np.testing.assert_allclose(chunked.shares, whole.shares, rtol=1e-12)
    assert (np.abs(chunked.shares[:, 0]) >= np.abs(chunked.shares[:, 1])).all()
