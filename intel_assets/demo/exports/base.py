"""What every exporter is given and what it gives back.

An exporter writes a tool's files for one world chunk into the tool's landing folder (file
names carry the chunk number, so chunks never overwrite each other) and returns the answer
key's identity rows: every identifier it wrote, with the true person and account behind it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from intel_assets.demo.world import Company, WorldChunk

IDENTITY_COLUMNS = ("source", "kind", "identifier", "person_id", "account_id")


@dataclass(frozen=True)
class ExportContext:
    company: Company
    folder: Path
    chunk: int
    tool: str

    @property
    def seed(self) -> int:
        return self.company.config.seed

    def path(self, *parts: str) -> Path:
        """A file in the tool's landing folder, its parent folders created."""
        target = self.folder.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target


# export(chunk, ctx) -> identity rows; company-level exporters (ads) ignore the chunk's
# people and write campaign data once, from chunk 0.
ChunkExporter = Callable[[WorldChunk, ExportContext], pd.DataFrame]


def _objects(values: Iterable[object] | None, n: int | None = None) -> np.ndarray:
    """Plain object arrays: pandas 3 keeps strings in Arrow, which iterates slowly."""
    if values is None:
        return np.full(n or 0, None, dtype=object)
    if isinstance(values, (pd.Series, pd.Index, np.ndarray)):
        return np.asarray(values, dtype=object)
    return np.asarray(list(values), dtype=object)


def identity_rows(
    ctx: ExportContext,
    kind: str,
    identifiers: Iterable[object],
    person_ids: Iterable[object] | None,
    account_ids: Iterable[object] | None,
) -> pd.DataFrame:
    """Answer-key rows for identifiers as written; person or account may be unknown."""
    values = _objects(identifiers)
    frame = pd.DataFrame(
        {
            "source": ctx.tool,
            "kind": kind,
            "identifier": values.astype(str),
            "person_id": _objects(person_ids, len(values)),
            "account_id": _objects(account_ids, len(values)),
        }
    )
    return frame[pd.notna(values)].drop_duplicates()
