"""The demo's answer key: true identities, true churn hazards and the planted patterns.

It is written beside the landing folder, never inside it, and only tests and benchmarks read
it. The pipeline has no code path that opens it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intel_assets.demo.world import Company, WorldChunk

ACCOUNT_COLUMNS = (
    "account_id", "workspace_id", "name", "domain", "industry", "country", "region", "size", "plan",
    "engagement", "signup_at", "activated_at", "churned_at", "channel", "campaign_key",
    "adopted_report_created", "adopted_dashboard_shared", "adopted_integration_connected",
    "adopted_data_exported", "has_onboarding_ticket", "clicked_onboarding_email",
    "leading_onset_at", "in_anomaly_segment", "in_cohort", "role_email",
)
PEOPLE_COLUMNS = (
    "person_id", "account_id", "email", "personal_email", "user_id", "role", "joined_at",
    "active_until",
)


def write_chunk(folder: Path, world: WorldChunk, identities: pd.DataFrame) -> None:
    """Writes one chunk's part of the answer key."""
    parts = {
        "accounts": world.accounts.loc[:, list(ACCOUNT_COLUMNS)],
        "people": world.people.loc[:, list(PEOPLE_COLUMNS)],
        "hazards": world.hazards,
        "identities": identities,
    }
    for name, frame in parts.items():
        target = folder / name / f"part-{world.index:04d}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(target, index=False)


def write_company(folder: Path, company: Company, summary: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    company.campaigns.to_parquet(folder / "campaigns.parquet", index=False)
    patterns = [p.to_dict() for p in company.patterns.described]
    (folder / "patterns.json").write_text(json.dumps(patterns, indent=2, default=str))
    (folder / "summary.json").write_text(json.dumps(summary, indent=2, default=str))


@dataclass(frozen=True)
class Truth:
    """The answer key, read back for a test or a benchmark."""

    folder: Path

    def table(self, name: str) -> pd.DataFrame:
        return pd.read_parquet(self.folder / name)

    @property
    def patterns(self) -> list[dict[str, Any]]:
        return json.loads((self.folder / "patterns.json").read_text())

    @property
    def summary(self) -> dict[str, Any]:
        return json.loads((self.folder / "summary.json").read_text())

    def churn_probability(
        self, snapshots: pd.DataFrame, *, horizon_days: int = 90
    ) -> np.ndarray:
        """The true probability that each (account_id, snapshot_at) churns within the horizon.

        Each 30-day period's hazard is spread evenly over its days, so the chance of
        surviving a stretch of a period is (1 - hazard) ** (days / 30).
        """
        hazards = self.table("hazards")
        rows = snapshots[["account_id", "snapshot_at"]].reset_index(drop=True)
        merged = rows.assign(row=np.arange(len(rows))).merge(
            hazards, on="account_id", how="left"
        )
        start = pd.to_datetime(merged["snapshot_at"])
        end = start + pd.Timedelta(days=horizon_days)
        overlap = (
            np.minimum(merged["period_end"], end) - np.maximum(merged["period_start"], start)
        ).dt.total_seconds().clip(lower=0) / 86_400
        log_survival = np.log1p(-merged["hazard"].fillna(0.0)) * overlap.fillna(0.0) / 30.0
        survival = np.exp(log_survival.groupby(merged["row"]).sum())
        return 1.0 - survival.reindex(np.arange(len(rows))).to_numpy()
