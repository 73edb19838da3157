"""How a person's email looks in each tool: case drift, plus-addresses, personal addresses.

The choice is a pure function of (seed, tool, person), so it is stable across runs and
chunks. Personal addresses appear only in tools that also carry the app's user id, since
nothing else could link them and a real company would not be able to either.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from intel_assets.demo import ids


def _uniform(seed: int, namespace: str, index: np.ndarray) -> np.ndarray:
    return (ids.mix(seed, namespace, index) >> np.uint64(11)).astype(np.float64) / 2.0**53


def email_variant(
    people: pd.DataFrame,
    *,
    seed: int,
    tool: str,
    case_share: float = 0.1,
    plus_share: float = 0.05,
    personal_share: float = 0.0,
) -> np.ndarray:
    """The address each person uses in `tool`."""
    draw = _uniform(seed, f"email:{tool}", people["person_idx"].to_numpy())
    work = people["email"].to_numpy().astype(str)
    personal = people["personal_email"].to_numpy().astype(str)
    local = np.char.partition(work, "@")
    capitalised = np.char.add(
        np.char.add(np.char.title(local[:, 0]), "@"), local[:, 2]
    )
    plus = np.char.add(np.char.add(np.char.add(local[:, 0], f"+{tool}"), "@"), local[:, 2])
    edges = np.cumsum([personal_share, case_share, plus_share])
    chosen = np.select(
        [draw < edges[0], draw < edges[1], draw < edges[2]],
        [personal, capitalised, plus],
        work,
    )
    return chosen.astype(object)


def share(seed: int, namespace: str, index: np.ndarray, fraction: float) -> np.ndarray:
    """A stable pseudo-random subset: True for about `fraction` of the indices."""
    return _uniform(seed, namespace, np.asarray(index)) < fraction
