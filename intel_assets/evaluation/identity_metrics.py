"""Pairwise precision, recall and F1 of identity resolution against the answer key.

Over every identifier the demo wrote that has a true person (or account): a pair of
identifiers is a true pair when both belong to the same person, a predicted pair when the
pipeline put both in the same person. An identifier the pipeline never mapped counts as a
person of its own, so losing identifiers costs recall.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class PairScores:
    precision: float
    recall: float
    f1: float
    identifiers: int
    matched: int


def _pairs(counts: pd.Series) -> float:
    values = counts.to_numpy(dtype="float64")
    return float((values * (values - 1) / 2).sum())


def pairwise_scores(truth: pd.Series, predicted: pd.Series) -> PairScores:
    """`truth` and `predicted` are cluster labels aligned on the same identifiers; a missing
    prediction is its own cluster."""
    predicted = predicted.astype("object").copy()
    missing = predicted.isna()
    predicted[missing] = [f"__unmatched_{i}" for i in range(int(missing.sum()))]
    frame = pd.DataFrame({"t": truth.to_numpy(), "p": predicted.to_numpy()})

    together = _pairs(frame.groupby(["t", "p"]).size())
    true_pairs = _pairs(frame.groupby("t").size())
    predicted_pairs = _pairs(frame.groupby("p").size())
    precision = together / predicted_pairs if predicted_pairs else 1.0
    recall = together / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairScores(precision, recall, f1, len(frame), int((~missing).sum()))


def _normalised(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.lower()


def matched_identifiers(truth: pd.DataFrame, identity_map: pd.DataFrame) -> pd.DataFrame:
    """Each answer-key identifier beside the pipeline's person and customer for it, matched
    on (source, value); values compared case-insensitively since staging lower-cases
    emails. Identifiers the pipeline did not map get nulls."""
    predicted = identity_map.assign(_value=_normalised(identity_map["value"]))
    predicted = predicted.drop_duplicates(["source", "_value"])
    keyed = truth.assign(_value=_normalised(truth["identifier"])).drop_duplicates(
        ["source", "_value"]
    )
    return keyed.merge(
        predicted[["source", "_value", "person_id", "customer_id"]],
        on=["source", "_value"],
        how="left",
        suffixes=("_true", ""),
    )


def identity_scores(truth: pd.DataFrame, identity_map: pd.DataFrame) -> dict[str, PairScores]:
    """Scores people and accounts over every identifier of the answer key."""
    joined = matched_identifiers(truth, identity_map)
    people = joined[joined["person_id_true"].notna()]
    accounts = joined[joined["account_id"].notna()]
    return {
        "people": pairwise_scores(people["person_id_true"], people["person_id"]),
        "accounts": pairwise_scores(accounts["account_id"], accounts["customer_id"]),
    }
