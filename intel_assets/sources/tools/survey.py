"""Survey responses (NPS) in our own CSV contract, modelled on Delighted's response fields.

No vendor's dashboard CSV columns could be confirmed, so the contract is ours and documented
here: a header row `Response ID,Email,Score,Comment,Created At,Survey Type`, RFC 4180
quoting, one response a row. `survey_responses` keeps every column: the email is the only
identity key (the file carries no user id), `Created At` is ISO 8601 (UTC with `Z`; an
offset is honoured), Score is an integer. Delighted's own person id, tags and
`person_properties` are not part of the contract, so a respondent who changed address
cannot be followed across it.

Scores must lie in 0-10, but the raw engine checks only types: a score of "eleven" is
quarantined, a score of 11 loads as 11 and staging has to reject it.
"""

from __future__ import annotations

from intel_assets.sources.readers import csv_rows
from intel_assets.sources.spec import Column, RawObject

RESPONSES = RawObject(
    tool="survey",
    name="responses",
    family="surveys",
    reader=csv_rows(),
    patterns=("responses/*.csv", "responses*.csv"),
    description="Survey responses, one row per answered survey.",
    columns=(
        Column("response_id", '"Response ID"', required=True),
        Column("email", "Email", description="Respondent address as the survey tool has it."),
        Column("score", "Score", "integer", required=True, description="0-10 (NPS).",
               minimum=0, maximum=10),
        Column("comment", "Comment"),
        Column("created_at", '"Created At"', "timestamp", required=True),
        Column("survey_type", '"Survey Type"', description="`nps` (or `csat`, `ces`)."),
    ),
)

OBJECTS = (RESPONSES,)
