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


def identity_rows(
    ctx: ExportContext,
    kind: str,
    identifiers: Iterable[object],
    person_ids: Iterable[object] | None,
    account_ids: Iterable[object] | None,
) -> pd.DataFrame:
    """Answer-key rows for identifiers as written; person or account may be unknown."""
    identifiers = np.asarray(list(identifiers) if not isinstance(identifiers, np.ndarray)
                             else identifiers, dtype=object)
    n = len(identifiers)
    persons = np.full(n, None, dtype=object) if person_ids is None else np.asarray(
        list(person_ids) if not isinstance(person_ids, np.ndarray) else person_ids, dtype=object
    )
    accounts = np.full(n, None, dtype=object) if account_ids is None else np.asarray(
        list(account_ids) if not isinstance(account_ids, np.ndarray) else account_ids,
        dtype=object,
    )
    frame = pd.DataFrame(
        {
            "source": ctx.tool,
            "kind": kind,
            "identifier": identifiers.astype(str),
            "person_id": persons,
            "account_id": accounts,
        }
    )
    return frame[pd.notna(identifiers)].drop_duplicates()
