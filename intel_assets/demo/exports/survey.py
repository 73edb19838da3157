"""Survey responses as a CSV file per chunk, in our own documented contract.

Neither Delighted's nor Typeform's dashboard CSV columns could be confirmed, so the file
follows our contract, modelled on Delighted's response fields: `Response ID,Email,Score,
Comment,Created At,Survey Type`, RFC 4180 quoting (comments carry commas and quotes),
`Created At` ISO 8601 UTC with `Z`, Score an integer 0-10, Survey Type `nps`.

Only people who answered a survey appear, under the address the survey tool mailed them:
their work address, with the usual case and plus-address drift. The file has no user id,
so nothing could link a personal address, and none is used.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from intel_assets.demo import ids
from intel_assets.demo.exports.base import ExportContext, identity_rows
from intel_assets.demo.exports.formats import iso_z
from intel_assets.demo.identities import email_variant
from intel_assets.demo.world import WorldChunk

HEADER = ("Response ID", "Email", "Score", "Comment", "Created At", "Survey Type")
# Response ids are spread over (chunk, response) pairs; a chunk holds far fewer responses.
RESPONSES_PER_CHUNK = 1_000_000


def response_ids(seed: int, chunk: int, response_idx: np.ndarray) -> np.ndarray:
    """Delighted-style numeric ids, unique across the chunks of one demo."""
    index = chunk * RESPONSES_PER_CHUNK + np.asarray(response_idx, dtype=np.int64)
    values = ids.numeric(seed, "survey:response", index, 10**7, 10**9)
    return np.array([str(v) for v in values], dtype=object)


def write_csv(path: Path, rows: Iterable[Sequence[object]]) -> None:
    """The contract's CSV: header, then rows; None becomes an empty cell."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


def export(world: WorldChunk, ctx: ExportContext) -> pd.DataFrame:
    responses = world.survey_responses
    people = world.people.iloc[responses["person_row"].to_numpy()]
    emails = email_variant(people, seed=ctx.seed, tool=ctx.tool)
    response_id = response_ids(ctx.seed, ctx.chunk, responses["response_idx"].to_numpy())
    created = iso_z(responses["created_at"], millis=False)
    comments = responses["comment"].to_numpy()
    comments = np.where(pd.isna(comments), None, comments)

    write_csv(
        ctx.path("responses", f"responses_{ctx.chunk:04d}.csv"),
        zip(response_id, emails, responses["score"].to_numpy().tolist(), comments, created,
            responses["survey_type"].to_numpy()),
    )
    return identity_rows(
        ctx, "email", emails, responses["person_id"].to_numpy(),
        responses["account_id"].to_numpy(),
    )
