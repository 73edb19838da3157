"""Which columns of `marts.customer_snapshots` the model reads, and the preprocessing that
turns any frame of such columns into the matrix LightGBM sees.

The same `FeatureSpec` serves the snapshot model and the public-data benchmark, so that what is
measured on public data is the preprocessing the asset runs. Text columns are categorical and
stay native to LightGBM (pandas `category` with the categories fixed at training time, so a
value first seen at scoring time is treated as missing rather than shifting the codes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

KEY_COLUMNS = ("customer_id", "snapshot_at")
LABEL_PREFIXES = ("churned_within_", "label_window_closed_")
HORIZONS = (30, 60, 90)

# Counts the mart gives over the last 30 days; their history says whether a quiet month is
# normal for the account or a drop, which a 30/60-day trend alone cannot tell.
HISTORY_MEASURES = (
    "events", "sessions", "reports_created", "dashboards_shared", "integrations_connected",
    "data_exports", "tickets", "emails_opened", "emails_clicked",
)


# A text column with more distinct values than this share of its rows names rows, not groups
# of them (an id, an email, a note): no category recurs often enough to learn from, and the
# trees still split on the few that do by chance. On the IBM Telco set a customer id column
# cost 0.003 ROC AUC. Such columns are left out of the features and listed as ignored. Under
# IDENTIFIER_MIN_VALUES distinct values a column is a short list of groups however few its rows.
IDENTIFIER_SHARE = 0.5
IDENTIFIER_MIN_VALUES = 50


def label_column(horizon_days: int) -> str:
    return f"churned_within_{_horizon(horizon_days)}d"


def window_closed_column(horizon_days: int) -> str:
    return f"label_window_closed_{_horizon(horizon_days)}d"


def _horizon(horizon_days: int) -> int:
    if horizon_days not in HORIZONS:
        raise ValueError(
            f"horizon_days must be one of {HORIZONS} (the label windows of "
            f"marts.customer_snapshots), got {horizon_days}"
        )
    return horizon_days


def with_history(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Adds features from each customer's own earlier snapshots.

    Every snapshot row uses only data before its own date, so averaging a row with the rows
    before it stays point-in-time: the mean of the last-30-day counts over all snapshots so far
    is the account's usual level, and the latest month over that level is its change.
    """
    frame = snapshots.sort_values(list(KEY_COLUMNS), kind="stable").reset_index(drop=True)
    # Grouped by integer codes: every groupby on the text ids would hash them all again.
    customer = pd.Series(pd.factorize(frame["customer_id"])[0], index=frame.index)
    by_customer = frame.groupby(customer, sort=False)
    people = (frame["people_signed_up"].astype("float64").clip(lower=1.0)
              if "people_signed_up" in frame else pd.Series(1.0, index=frame.index))
    added: dict[str, Any] = {"snapshots_so_far": by_customer.cumcount().to_numpy() + 1.0}

    for measure in HISTORY_MEASURES:
        if f"{measure}_30d" not in frame or f"{measure}_90d" not in frame:
            continue
        recent = frame[f"{measure}_30d"].astype("float64")
        running = recent.groupby(customer, sort=False).cumsum()
        usual = running / added["snapshots_so_far"]
        added[f"{measure}_30d_usual"] = usual
        added[f"{measure}_30d_vs_usual"] = (recent + 1.0) / (usual + 1.0)
        added[f"{measure}_90d_per_person"] = frame[f"{measure}_90d"].astype("float64") / people

    return pd.concat([frame, pd.DataFrame(added, index=frame.index)], axis=1)


def snapshot_feature_columns(columns: Iterable[str]) -> list[str]:
    """Every column that is neither the row's key nor one of its labels."""
    return [c for c in columns if c not in KEY_COLUMNS and not c.startswith(LABEL_PREFIXES)]


@dataclass(frozen=True)
class FeatureSpec:
    """The feature columns in order, and the categories of each categorical one."""

    numeric: tuple[str, ...]
    categorical: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()  # identifier-like text columns, left out

    @property
    def columns(self) -> list[str]:
        return [*self.numeric, *self.categorical]

    @classmethod
    def learn(cls, frame: pd.DataFrame, columns: Iterable[str]) -> FeatureSpec:
        """Text columns become categorical with the categories seen here; the rest numeric.

        A text column whose every non-blank value is a number is numeric: CSV exports often
        write amounts as text with a blank for none, and as categories they would lose
        their order. A text column that is nearly unique per row is an identifier and is
        ignored. A date column is refused: a date says when, and the model must learn what
        holds at any time, so it wants the date's age in days instead.
        """
        numeric, categorical, ignored = [], {}, []
        for name in columns:
            values = frame[name]
            if pd.api.types.is_datetime64_any_dtype(values):
                raise ValueError(
                    f"feature {name!r} holds dates: give the time since it in days (as "
                    f"tenure_days does) or leave the column out"
                )
            if not _is_text(values) or _numbers_as_text(values):
                numeric.append(name)
                continue
            seen = values.dropna().astype("string").unique()
            if len(seen) >= max(IDENTIFIER_MIN_VALUES,
                                IDENTIFIER_SHARE * values.notna().sum()):
                ignored.append(name)
            else:
                categorical[name] = tuple(sorted(str(v) for v in seen))
        return cls(tuple(numeric), categorical, tuple(ignored))

    def matrix(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The frame as LightGBM reads it: float64 numbers, categories with fixed codes.

        The numbers are written straight into one column-major block, which pandas keeps
        as it is; a frame built from a dict of columns copies them all into a block again,
        some seconds for a million customers.
        """
        missing = [c for c in self.columns if c not in frame]
        if missing:
            raise KeyError(f"feature columns missing from the frame: {', '.join(missing)}")
        numbers = np.empty((len(frame), len(self.numeric)), dtype="float64", order="F")
        for i, name in enumerate(self.numeric):
            numbers[:, i] = _as_float(frame[name], name)
        out = pd.DataFrame(numbers, index=frame.index, columns=list(self.numeric), copy=False)
        for name, categories in self.categorical.items():
            # A value unseen in training (a new country) is missing, as LightGBM treats it.
            dtype = pd.CategoricalDtype(list(categories))
            codes = dtype.categories.get_indexer(frame[name].astype("string"))
            out[name] = pd.Categorical.from_codes(codes, dtype=dtype)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"numeric": list(self.numeric),
                "categorical": {k: list(v) for k, v in self.categorical.items()},
                "ignored": list(self.ignored)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureSpec:
        return cls(tuple(data["numeric"]),
                   {k: tuple(v) for k, v in data["categorical"].items()},
                   tuple(data.get("ignored", ())))


def _is_text(values: pd.Series) -> bool:
    return bool(
        pd.api.types.is_string_dtype(values)
        or pd.api.types.is_object_dtype(values)
        or isinstance(values.dtype, pd.CategoricalDtype)
    ) and not pd.api.types.is_bool_dtype(values)


def _blank_as_missing(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().replace("", pd.NA)


def _numbers_as_text(values: pd.Series) -> bool:
    present = _blank_as_missing(values).dropna()
    return len(present) > 0 and bool(pd.to_numeric(present, errors="coerce").notna().all())


def _as_float(values: pd.Series, name: str) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype="float64", na_value=np.nan)
    text = _blank_as_missing(values).astype("object")
    try:
        return pd.to_numeric(text, errors="raise").astype("float64")
    except (TypeError, ValueError) as error:
        bad = values[pd.to_numeric(text, errors="coerce").isna() & text.notna()]
        raise ValueError(
            f"feature {name!r} must be numeric; row {bad.index[0]} holds {bad.iloc[0]!r}"
        ) from error
