"""The top drivers of each customer's score, in words a person reads.

A driver is one feature's share of the customer's raw score, read from the model's own
trees: along the path a row takes through each tree, every split moves the prediction from
the parent node's value to the child's, and that move is credited to the split's feature.
The shares plus the trees' root values (the base value) add up exactly to the raw score. The
largest shares by size are the drivers; a positive share raises the risk, a negative one
lowers it. Shares are on the raw (log-odds) scale, before calibration, which maps raw scores
monotonically and so keeps each driver's direction.

LightGBM's exact per-row contributions (`pred_contrib`, TreeSHAP) cost about half a
millisecond of CPU per row on this model, some four minutes for a million customers on two
cores; the path shares take seconds and name the same strongest driver for most rows (the
tests measure how often). `exact_contributions` keeps TreeSHAP for a few rows or a check.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

MEASURE_WORDS = {
    "events": "product events",
    "sessions": "product sessions",
    "reports_created": "reports created",
    "dashboards_shared": "dashboards shared",
    "integrations_connected": "integrations connected",
    "data_exports": "data exports",
    "tickets": "support tickets",
    "emails_delivered": "emails delivered",
    "emails_opened": "emails opened",
    "emails_clicked": "emails clicked",
}
SUFFIX_WORDS = (
    ("_30d_vs_usual", "in last 30 days against the account's usual month"),
    ("_30d_usual", "in a usual 30 days of this account"),
    ("_90d_per_person", "per person in last 90 days"),
    ("_prior_30d", "in the 30 days before the last 30"),
    ("_trend", "last 30 days over the 30 before"),
    ("_7d", "in last 7 days"),
    ("_30d", "in last 30 days"),
    ("_90d", "in last 90 days"),
)
NAMED = {
    "days_since_last_event": "days since the last product event",
    "days_since_last_ticket": "days since the last support ticket",
    "days_since_last_email_open": "days since an email was last opened",
    "email_open_rate_90d": "email open rate in last 90 days",
    "peak_active_people_30d": "most people active on one day in last 30 days",
    "people_signed_up": "people signed up",
    "adopted_report_created": "has created a report",
    "adopted_dashboard_shared": "has shared a dashboard",
    "adopted_integration_connected": "has connected an integration",
    "adopted_data_exported": "has exported data",
    "has_onboarding_ticket": "filed a support ticket while onboarding",
    "clicked_onboarding_email": "clicked an onboarding email",
    "latest_survey_score": "latest survey score",
    "mrr": "monthly recurring revenue",
    "acquisition_channel": "acquisition channel",
    "acquisition_campaign": "acquisition campaign",
    "tenure_days": "days as a customer",
    "snapshots_so_far": "months observed",
}


def feature_words(name: str) -> str:
    """A column name as a phrase: `tickets_30d` is 'support tickets in last 30 days'."""
    if name in NAMED:
        return NAMED[name]
    for suffix, words in SUFFIX_WORDS:
        measure = name.removesuffix(suffix)
        if measure != name and measure in MEASURE_WORDS:
            return f"{MEASURE_WORDS[measure]} {words}"
    return name.replace("_", " ")


# Rows per pass: small enough that the running shares (features x rows) stay in the CPU's
# cache while every tree adds to them; a quarter-million rows at a time ran twice as slow.
CHUNK_ROWS = 16_384


def exact_contributions(booster: Any, matrix: pd.DataFrame) -> np.ndarray:
    """LightGBM's TreeSHAP contributions: one column per feature and a last column for the
    base value; each row sums to the booster's raw score for that row."""
    return np.asarray(booster.predict(matrix, pred_contrib=True), dtype="float64")


def contributions(booster: Any, matrix: pd.DataFrame) -> np.ndarray:
    """Path shares in the layout of `exact_contributions`, summing to the same raw score."""
    chunks = list(_contribution_chunks(booster, matrix))
    return np.concatenate(chunks) if chunks else np.empty((0, matrix.shape[1] + 1))


@dataclass(frozen=True)
class Drivers:
    """Each row's raw score and its largest path shares, largest first."""

    raw: np.ndarray  # (rows,)
    features: np.ndarray  # (rows, top): the column of each driver
    shares: np.ndarray  # (rows, top): its share of the raw score

    @classmethod
    def largest(cls, contrib: np.ndarray, top: int) -> Drivers:
        """The `top` largest shares by size of each row of a contributions matrix."""
        parts = contrib[:, :-1]
        order = _largest(np.abs(parts), min(top, parts.shape[1]))
        return cls(contrib.sum(axis=1), order, np.take_along_axis(parts, order, axis=1))


def top_drivers(booster: Any, matrix: pd.DataFrame, top: int) -> Drivers:
    """`Drivers.largest` of `contributions`, a chunk of rows at a time: every feature's share
    for a million customers would take 0.8 GB, of which three shares a row are kept."""
    chunks = [Drivers.largest(c, top) for c in _contribution_chunks(booster, matrix)]
    if not chunks:
        width = min(top, matrix.shape[1])
        return Drivers(np.empty(0), np.empty((0, width), dtype=np.int64), np.empty((0, width)))
    return Drivers(*(np.concatenate([getattr(c, name) for c in chunks])
                     for name in ("raw", "features", "shares")))


def _contribution_chunks(booster: Any, matrix: pd.DataFrame) -> Iterator[np.ndarray]:
    """Path shares of CHUNK_ROWS rows at a time, in the layout of `exact_contributions`."""
    paths = _leaf_paths(booster, matrix.shape[1])
    base = sum(root for root, _, _ in paths)

    for start in range(0, len(matrix), CHUNK_ROWS):
        part = matrix.iloc[start:start + CHUNK_ROWS]
        leaves = np.asarray(booster.predict(part, pred_leaf=True)).reshape(len(part), -1)
        leaves = np.ascontiguousarray(leaves.T, dtype=np.int64)  # one row per tree
        shares = np.zeros((matrix.shape[1], len(part)), dtype="float64")
        for tree, (_, features, per_leaf) in enumerate(paths):
            if not len(features):
                continue
            gathered = per_leaf.T[:, leaves[tree]]  # one row per feature of the tree
            for column, feature in enumerate(features):
                shares[feature] += gathered[column]
        out = np.empty((len(part), matrix.shape[1] + 1), dtype="float64")
        out[:, :-1] = shares.T
        out[:, -1] = base
        yield out


def _leaf_paths(booster: Any, n_features: int) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """For each tree: its root value, the features it splits on, and for each leaf the sum of
    the moves each of those features makes along the path to that leaf."""
    trees = []
    for info in booster.dump_model()["tree_info"]:
        root = info["tree_structure"]
        if "leaf_value" in root:
            trees.append((float(root["leaf_value"]), np.array([], dtype=np.int64),
                          np.zeros((1, 0))))
            continue
        moves: dict[int, dict[int, float]] = {}
        stack = [(root, {})]
        while stack:
            node, path = stack.pop()
            if "leaf_index" in node:
                moves[int(node["leaf_index"])] = path
                continue
            feature, value = int(node["split_feature"]), float(node["internal_value"])
            for child in (node["left_child"], node["right_child"]):
                child_value = float(child.get("internal_value", child.get("leaf_value")))
                step = dict(path)
                step[feature] = step.get(feature, 0.0) + child_value - value
                stack.append((child, step))
        features = np.array(sorted({f for path in moves.values() for f in path}),
                            dtype=np.int64)
        column = {f: i for i, f in enumerate(features)}
        per_leaf = np.zeros((max(moves) + 1, len(features)))
        for leaf, path in moves.items():
            for feature, move in path.items():
                per_leaf[leaf, column[feature]] = move
        trees.append((float(root["internal_value"]), features, np.asfortranarray(per_leaf)))
    if any(len(f) and f.max() >= n_features for _, f, _ in trees):
        raise ValueError("the model splits on more features than the matrix holds")
    return trees


def describe_drivers(drivers: Drivers, values: pd.DataFrame) -> list[str]:
    """Each row's drivers as '<feature>: <value>, raises risk', joined by '; '.

    Built a rank at a time: each feature's values are formatted once per distinct value
    and the phrases joined as whole arrays, since a Python loop over a million rows and
    their three drivers costs more than the model's prediction itself."""
    names = list(values.columns)
    if drivers.features.size and drivers.features.max() >= len(names):
        raise ValueError(f"drivers name column {drivers.features.max()} of "
                         f"{len(names)} feature columns")

    phrases = [_phrases(drivers.features[:, k], drivers.shares[:, k], values, names)
               for k in range(drivers.features.shape[1])]
    lines = pd.Series(phrases[0] if phrases else [""] * len(values), dtype=object)
    for more in phrases[1:]:
        more = pd.Series(more, dtype=object)
        joined = lines + "; " + more
        lines = joined.where(lines.ne("") & more.ne(""), lines + more)
    return lines.tolist()


def _largest(size: np.ndarray, top: int) -> np.ndarray:
    """Column indices of each row's `top` largest values, largest first, the lower index
    first among equals. One arg-max pass per rank: for three of ~80 columns that is a third
    of the cost of a partition of every row. Overwrites `size`."""
    rows = np.arange(len(size))
    order = np.empty((len(size), top), dtype=np.int64)
    for rank in range(top):
        order[:, rank] = size.argmax(axis=1)
        size[rows, order[:, rank]] = -np.inf
    return order


def _phrases(
    chosen: np.ndarray, share: np.ndarray, values: pd.DataFrame, names: list[str]
) -> np.ndarray:
    """One phrase per row for the feature `chosen` names in that row; empty where its
    `share` is zero (a row with fewer drivers than asked)."""
    out = np.full(len(chosen), "", dtype=object)
    for j in np.unique(chosen):
        rows = np.flatnonzero((chosen == j) & (share != 0.0))
        if not len(rows):
            continue
        shown = pd.Series(values.iloc[rows, j].to_numpy(dtype=object))
        distinct = pd.unique(shown)
        text = shown.map(dict(zip(distinct, (_shown(v) for v in distinct), strict=True)))
        direction = np.where(share[rows] > 0, ", raises risk", ", lowers risk")
        out[rows] = (f"{feature_words(names[j])}: " + text + direction).to_numpy()
    return out


def _shown(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "unknown"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        number = float(value)
        return f"{int(number):,}" if number.is_integer() else f"{number:,.2f}"
    return str(value)
