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
    "leading_shows_from_at", "leading_onset_at", "in_anomaly_segment", "in_cohort", "role_email",
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
        self, snapshots: pd.DataFrame, *, horizon_days: int = 90, hindsight: bool = False
    ) -> np.ndarray:
        """The true probability that each (account_id, snapshot_at) churns within the horizon.

        True at the snapshot: what the account is (engagement, plan, campaign, cohort) and
        whether its planted behaviour change has begun. Not yet true: a change that begins
        after the snapshot. Its wait is exponential, so every account it can still strike
        has the same chance of it beginning soon, and that chance is what the probability
        weighs; the answer key's own onset dates would tell which accounts are next, which
        nothing at the snapshot can. With `hindsight` the probability follows the hazards
        as they turned out, later changes included: a bound no model can reach.

        The moment a behaviour first shows (a feature's adoption) is taken from the answer
        key even when it comes after the snapshot; it follows activation within days, so
        this moves the probability little.

        Each 30-day period's hazard is spread evenly over its days, so the chance of
        surviving a stretch of a period is (1 - hazard) ** (days / 30).
        """
        hazards = self.table("hazards")
        if not {"hazard_unchanged", "hazard_changed"} <= set(hazards.columns):
            raise ValueError(f"the answer key in {self.folder} has no hazards with and without "
                             "the planted change; generate the demo again")
        rows = snapshots[["account_id", "snapshot_at"]].reset_index(drop=True)
        merged = rows.assign(row=np.arange(len(rows))).merge(
            hazards, on="account_id", how="left"
        ).sort_values(["row", "period"], kind="stable").reset_index(drop=True)
        start = pd.to_datetime(merged["snapshot_at"])
        end = start + pd.Timedelta(days=horizon_days)
        share = (
            np.minimum(merged["period_end"], end) - np.maximum(merged["period_start"], start)
        ).dt.total_seconds().clip(lower=0).fillna(0.0) / 86_400 / 30.0

        log_survival = {name: np.log1p(-merged[name].fillna(0.0)) * share
                        for name in ("hazard", "hazard_unchanged", "hazard_changed")}

        by_row = merged["row"]
        survival = np.exp(log_survival["hazard"].groupby(by_row).sum())
        if not hindsight:
            accounts = self.table("accounts").set_index("account_id")
            onset, shows = (pd.to_datetime(merged["account_id"].map(accounts[column]))
                            for column in ("leading_onset_at", "leading_shows_from_at"))
            turned = self._chance_change_turned(merged, start, shows)
            weighed = _weighed_survival(
                by_row, log_survival["hazard_unchanged"], log_survival["hazard_changed"], turned
            )
            began = (onset <= merged["snapshot_at"]).groupby(by_row).first()
            survival = survival.where(began, weighed)
        return 1.0 - survival.reindex(np.arange(len(rows))).to_numpy()

    def _chance_change_turned(
        self, merged: pd.DataFrame, start: pd.Series, shows: pd.Series
    ) -> pd.Series:
        """For each period, the chance that a change not begun at the snapshot has begun
        early enough to raise that period's hazard (it does from `lead_days` after it).
        `shows` is when the behaviour first shows in the account, NaT if it never does."""
        timing = next((p["parameters"] for p in self.patterns
                       if p["family"] == "leading_indicator"), None)
        if timing is None:
            return pd.Series(0.0, index=merged.index)
        may_begin = np.maximum(start, shows)
        latest_onset = merged["period_start"] - pd.Timedelta(days=timing["lead_days"])
        wait = (latest_onset - may_begin).dt.total_seconds().clip(lower=0) / 86_400
        return (1.0 - np.exp(-wait / timing["onset_mean_days"])).fillna(0.0)


def _weighed_survival(
    by_row: pd.Series, unchanged: pd.Series, changed: pd.Series, turned: pd.Series
) -> pd.Series:
    """Survival over the horizon for an account whose change has not begun, weighed over
    the period in which the change would first raise its hazard. `unchanged` and `changed`
    are each period's log survival over its part of the horizon, `turned` the chance that
    the change raises that period's hazard; periods are in order within each row."""
    unchanged_before = unchanged.groupby(by_row).cumsum() - unchanged
    changed_from = changed.groupby(by_row).transform("sum") - changed.groupby(by_row).cumsum()
    first_turned = turned - turned.groupby(by_row).shift(fill_value=0.0)
    weighed = first_turned * np.exp(unchanged_before + changed + changed_from)

    never = (1.0 - turned.groupby(by_row).last()) * np.exp(unchanged.groupby(by_row).sum())
    return weighed.groupby(by_row).sum() + never
