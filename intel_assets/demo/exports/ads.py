"""What the three ad-platform exporters share: campaign ids, a channel's daily rows, and
platform-reported conversions as whole numbers.

Ad platforms see campaigns, not people, so their exporters write company-level data once and
return no identity rows. The platform campaign ids are pure functions of (seed, campaign key),
so any exporter that writes a landing URL with `utm_campaign={campaignid}` (a product
analytics signup, say) can call `campaign_ids` and agree with the ad platform's own files.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd

from intel_assets.demo import ids
from intel_assets.demo.exports.base import IDENTITY_COLUMNS
from intel_assets.demo.world import Company, ad_spend


def _campaign_number(keys: pd.Series) -> np.ndarray:
    """`google_ads:3` -> 3: the key's number is unique within its channel."""
    return keys.str.rpartition(":")[2].astype(np.int64).to_numpy()


def _platform_ids(seed: int, channel: str, number: np.ndarray) -> np.ndarray:
    """Each platform's own campaign id style, as strings (Meta's exceed 2^53)."""
    namespace = f"{channel}:campaign"
    if channel == "google_ads":
        values = ids.numeric(seed, namespace, number, 10**10, 10**11)
        return np.array([str(v) for v in values], dtype=object)
    if channel == "meta_ads":
        values = ids.numeric(seed, namespace, number, 10**14, 10**15)
        return np.array([f"120{v}" for v in values], dtype=object)
    if channel == "linkedin_ads":
        values = ids.numeric(seed, namespace, number, 10**8, 10**9)
        return np.array([str(v) for v in values], dtype=object)
    raise KeyError(f"no campaign id style for channel {channel!r}")


def campaign_ids(company: Company) -> dict[str, str]:
    """Platform campaign id of every campaign key (LinkedIn's without its URN prefix)."""
    campaigns = company.campaigns
    out: dict[str, str] = {}
    for channel, group in campaigns.groupby("channel", sort=False):
        numbers = _campaign_number(group["campaign_key"])
        platform = _platform_ids(company.config.seed, str(channel), numbers)
        out.update(zip(group["campaign_key"], platform))
    return out


def account_id(seed: int, channel: str, low: int, high: int) -> str:
    """The one ad account (or Google customer) the company advertises from."""
    return str(int(ids.numeric(seed, f"{channel}:account", np.array([0]), low, high)[0]))


def channel_rows(company: Company, channel: str) -> pd.DataFrame:
    """The world's daily rows of one channel, date-major as reports list them, with the
    platform campaign id and conversions both as modelled and as whole counts."""
    spend = ad_spend(company)
    rows = spend[spend["channel"] == channel].copy()
    rows["campaign_id"] = rows["campaign_key"].map(campaign_ids(company))
    rows["whole_conversions"] = whole_conversions(rows)
    rows["cost_cents"] = np.rint(rows["spend"].to_numpy() * 100).astype(np.int64)
    return rows.sort_values(["date", "campaign_key"], kind="stable").reset_index(drop=True)


def whole_conversions(rows: pd.DataFrame) -> np.ndarray:
    """The world's fractional daily conversions as the integer counts Meta and LinkedIn
    report: each day gets the step of the rounded running total, so a campaign's total is
    the world's total rounded and no day's rounding error accumulates."""
    ordered = rows.sort_values(["campaign_key", "date"], kind="stable")
    running = ordered.groupby("campaign_key", sort=False)["conversions"].cumsum().to_numpy()
    rounded = np.floor(running + 0.5).astype(np.int64)
    first = ordered["campaign_key"].ne(ordered["campaign_key"].shift()).to_numpy()
    previous = np.where(first, 0, np.roll(rounded, 1))
    steps = pd.Series(rounded - previous, index=ordered.index)
    return steps.reindex(rows.index).to_numpy()


def month_spans(dates: pd.Series) -> list[tuple[str, int, int]]:
    """(`YYYY-MM`, first row, end row) of each month of date-sorted rows: reports are
    requested, and land, one calendar month at a time."""
    month = dates.dt.strftime("%Y-%m").to_numpy()
    bounds = np.flatnonzero(np.r_[True, month[1:] != month[:-1], True]).tolist()
    return [(str(month[lo]), lo, hi) for lo, hi in pairwise(bounds)]


def decimal_text(cents: np.ndarray) -> np.ndarray:
    """Money as the decimal strings Meta and LinkedIn send (`"212.37"`), from exact cents."""
    return np.array([f"{c // 100}.{c % 100:02d}" for c in cents.tolist()], dtype=object)


def no_identities() -> pd.DataFrame:
    """Ad platforms report campaigns, never people: the answer key gets nothing from them."""
    return pd.DataFrame({column: pd.Series(dtype=object) for column in IDENTITY_COLUMNS})
