"""Connected components over integer-coded identifiers, the one step outside the warehouse.

Only int32 arrays cross over: the edge list, and a label per node coming back. scipy
builds a CSR matrix and its transpose from the edges (about 20 bytes per edge in all), so
the peak is set by the number of distinct edges, not by the identifiers' text.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def components(size: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """A component label (int32) for each of `size` nodes; nodes without edges stand alone."""
    weights = np.ones(len(left), dtype=np.int8)
    graph = coo_matrix((weights, (left, right)), shape=(size, size)).tocsr()
    del weights
    _, labels = connected_components(graph, directed=False)
    return labels.astype(np.int32, copy=False)


def oversized(labels: np.ndarray, is_user: np.ndarray, limit: int) -> np.ndarray:
    """The labels of components holding more than `limit` user ids."""
    users = np.bincount(labels, weights=is_user, minlength=int(labels.max(initial=-1)) + 1)
    return np.flatnonzero(users > limit).astype(np.int32)


def hub_cutoff(degrees: np.ndarray) -> float:
    """Identifiers touching at least this many records are the hubs of an oversized
    component: the top decile, and never an identifier seen on a single record."""
    cutoff = float(np.quantile(degrees, 0.9)) if len(degrees) else 0.0
    return max(cutoff, 2.0)


def split_to_singletons(labels: np.ndarray, giant: np.ndarray) -> np.ndarray:
    """Gives every node of the given components a component of its own."""
    hit = np.isin(labels, giant)
    offset = int(labels.max(initial=-1)) + 1
    fresh = offset + np.arange(len(labels), dtype=np.int64)
    return np.where(hit, fresh, labels).astype(np.int64)
