"""The pairwise scores count pairs the way the definitions say."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from intel_assets.evaluation.identity_metrics import pairwise_scores


def test_a_perfect_clustering_scores_one():
    truth = pd.Series(["a", "a", "b", "b", "b"])

    scores = pairwise_scores(truth, pd.Series(["x", "x", "y", "y", "y"]))

    assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)


def test_merging_two_people_costs_precision_only():
    truth = pd.Series(["a", "a", "b", "b"])

    scores = pairwise_scores(truth, pd.Series(["x", "x", "x", "x"]))

    assert scores.recall == 1.0
    assert scores.precision == pytest.approx(2 / 6)


def test_an_identifier_never_mapped_costs_recall():
    truth = pd.Series(["a", "a", "a"])

    scores = pairwise_scores(truth, pd.Series(["x", "x", None]))

    assert scores.precision == 1.0
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.matched == 2


def test_counts_agree_with_every_pair_enumerated():
    rng = np.random.default_rng(3)
    truth = pd.Series(rng.integers(0, 8, 60).astype(float))
    predicted = pd.Series(rng.choice(["x", "y", "z", None], 60), dtype="object")
    truth[[4, 9]] = np.nan

    scores = pairwise_scores(truth, predicted)

    pairs = list(itertools.combinations(range(60), 2))
    same_true = {(i, j) for i, j in pairs if truth[i] == truth[j]}
    same_predicted = {(i, j) for i, j in pairs
                      if predicted[i] is not None and predicted[i] == predicted[j]}
    assert scores.precision == pytest.approx(len(same_true & same_predicted) / len(same_predicted))
    assert scores.recall == pytest.approx(len(same_true & same_predicted) / len(same_true))
