"""Encodings the tools use for times and files, in one place."""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd


def epoch_s(times: Any) -> np.ndarray:
    """Unix seconds as Python ints (None where the time is missing)."""
    values = pd.Series(pd.to_datetime(np.asarray(times), utc=False))
    out = values.astype("datetime64[s]").astype("int64").astype(object)
    out[values.isna().to_numpy()] = None
    return out.to_numpy()


def epoch_ms(times: Any) -> np.ndarray:
    values = pd.Series(pd.to_datetime(np.asarray(times), utc=False))
    out = (values.astype("datetime64[ms]").astype("int64")).astype(object)
    out[values.isna().to_numpy()] = None
    return out.to_numpy()


def _strftime(times: Any, fmt: str) -> np.ndarray:
    values = pd.Series(pd.to_datetime(np.asarray(times), utc=False))
    text = values.dt.strftime(fmt).astype(object)
    text[values.isna().to_numpy()] = None
    return text.to_numpy()


def iso_z(times: Any, *, millis: bool = True) -> np.ndarray:
    """`2024-06-01T09:10:12.345Z` (HubSpot, Salesforce) or `2024-06-01T09:10:12Z` (Zendesk)."""
    if not millis:
        return _strftime(times, "%Y-%m-%dT%H:%M:%SZ")
    base = _strftime(times, "%Y-%m-%dT%H:%M:%S")
    ms = pd.Series(pd.to_datetime(np.asarray(times))).dt.microsecond.fillna(0) // 1000
    return np.array(
        [None if b is None else f"{b}.{int(m):03d}Z" for b, m in zip(base, ms)], dtype=object
    )


def iso_offset(times: Any) -> np.ndarray:
    """`2024-06-11T10:00:05+00:00` (Klaviyo's datetime)."""
    return _strftime(times, "%Y-%m-%dT%H:%M:%S+00:00")


def space_micros(times: Any) -> np.ndarray:
    """`2024-06-01 09:00:05.123000`: UTC, no zone (Amplitude)."""
    return _strftime(times, "%Y-%m-%d %H:%M:%S.%f")


def space_seconds(times: Any) -> np.ndarray:
    """`2024-06-01 09:00:05`: UTC, no zone (Heap)."""
    return _strftime(times, "%Y-%m-%d %H:%M:%S")


def day(times: Any) -> np.ndarray:
    return _strftime(times, "%Y-%m-%d")


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts with NaN/NaT turned into None, ready for JSON."""
    clean = frame.astype(object).where(pd.notna(frame), None)
    return clean.to_dict(orient="records")


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]], *, compress: bool = False) -> None:
    opener = gzip.open if compress else Path.open
    with opener(path, "wb") as handle:  # type: ignore[operator]
        for row in rows:
            handle.write(dumps(row))
            handle.write(b"\n")


def write_json(path: Path, document: Any) -> None:
    path.write_bytes(dumps(document))


def pages(items: Sequence[Any], size: int) -> Iterator[tuple[int, Sequence[Any], bool]]:
    """(page number from 1, items, is_last) over a sequence, one page at least."""
    total = max(1, -(-len(items) // size))
    for number in range(total):
        yield number + 1, items[number * size:(number + 1) * size], number == total - 1


def drop_none(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v is not None}
