"""LinkedIn Ads: adAnalytics by campaign and day, a month a file, plus the campaign listing.

adAnalytics (`GET /rest/adAnalytics?q=analytics&pivot=CAMPAIGN&timeGranularity=DAILY
&dateRange=…&accounts=List(urn:li:sponsoredAccount:…)`) has no pagination, so the range is
split by calendar month and each file is one response: `{paging, elements[]}`, an element
per campaign per day with `dateRange.start`/`.end` as `{year, month, day}` (both the same
day), `pivotValues` the campaign URN, integer impressions, clicks and
`externalWebsiteConversions`, and costs as decimal strings. Conversions are whole counts
(the world's fractional daily conversions rounded along their running total). Days are
UTC, since LinkedIn's reporting time zone is unconfirmed.

Analytics carry no names, so `campaigns/` holds the one page of
`GET /rest/adAccounts/{id}/adCampaigns?q=search` listing every campaign (id as a JSON
number, name, status, account URN, ...), joined on the URN's numeric suffix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from intel_assets.demo import ids
from intel_assets.demo.exports.ads import (
    account_id,
    channel_rows,
    decimal_text,
    month_spans,
    no_identities,
)
from intel_assets.demo.exports.base import ExportContext
from intel_assets.demo.exports.formats import epoch_ms, write_json
from intel_assets.demo.world import EPOCH_START, Company

CURRENCY = "USD"
CAMPAIGN_URN = "urn:li:sponsoredCampaign:"
ACCOUNT_URN = "urn:li:sponsoredAccount:"
GROUP_URN = "urn:li:sponsoredCampaignGroup:"
# Conversation Ads are sent as sponsored messages; every other demo campaign is in-feed.
MESSAGE_PREFIX = "Conversation Ads"


def sponsored_account(seed: int) -> str:
    return account_id(seed, "linkedin_ads", 10**8, 10**9)


def export_company(company: Company, ctx: ExportContext) -> pd.DataFrame:
    rows = channel_rows(company, ctx.tool)
    if rows.empty:
        return no_identities()
    account = sponsored_account(ctx.seed)

    dates = rows["date"]
    years = dates.dt.year.to_numpy().tolist()
    month_numbers = dates.dt.month.to_numpy().tolist()
    days = dates.dt.day.to_numpy().tolist()
    cost = decimal_text(rows["cost_cents"].to_numpy())
    elements = []
    for campaign, year, month, dom, shown, clicked, spent, converted in zip(
        rows["campaign_id"].to_numpy(), years, month_numbers, days,
        rows["impressions"].to_numpy().tolist(), rows["clicks"].to_numpy().tolist(), cost,
        rows["whole_conversions"].to_numpy().tolist(),
    ):
        date = {"year": year, "month": month, "day": dom}
        elements.append(
            {
                "dateRange": {"start": date, "end": date},
                "pivotValues": [CAMPAIGN_URN + campaign],
                "impressions": shown,
                "clicks": clicked,
                "costInLocalCurrency": spent,
                "costInUsd": spent,
                "externalWebsiteConversions": converted,
            }
        )

    for month_key, lo, hi in month_spans(dates):
        write_json(
            ctx.path("ad_analytics", f"ad_analytics_{ctx.chunk:04d}_{month_key}.json"),
            {"paging": {"start": 0, "count": 10, "links": []}, "elements": elements[lo:hi]},
        )

    _write_campaigns(ctx, rows, account)
    return no_identities()


def _write_campaigns(ctx: ExportContext, rows: pd.DataFrame, account: str) -> None:
    campaigns = rows.groupby("campaign_key", sort=True).agg(
        campaign_id=("campaign_id", "first"),
        name=("campaign_name", "first"),
        daily_spend=("spend", "mean"),
    )
    group = str(ids.numeric(ctx.seed, "linkedin_ads:group", np.array([0]), 10**8, 10**9)[0])
    started = int(epoch_ms(np.array([EPOCH_START]))[0])
    budgets = decimal_text(np.ceil(campaigns["daily_spend"].to_numpy() * 1.5).astype(np.int64)
                           * 100)
    elements = []
    for campaign, name, budget in zip(campaigns["campaign_id"], campaigns["name"], budgets):
        message = name.startswith(MESSAGE_PREFIX)
        elements.append(
            {
                "id": int(campaign),
                "name": name,
                "account": ACCOUNT_URN + account,
                "campaignGroup": GROUP_URN + group,
                "status": "ACTIVE",
                "type": "SPONSORED_INMAILS" if message else "SPONSORED_UPDATES",
                "objectiveType": "LEAD_GENERATION" if message else "WEBSITE_CONVERSIONS",
                "costType": "CPC",
                "dailyBudget": {"amount": budget, "currencyCode": CURRENCY},
                "runSchedule": {"start": started},
                "locale": {"country": "US", "language": "en"},
                "changeAuditStamps": {
                    "created": {"time": started}, "lastModified": {"time": started}
                },
            }
        )
    write_json(
        ctx.path("campaigns", f"ad_campaigns_{ctx.chunk:04d}.json"),
        {"paging": {"start": 0, "count": 1000, "links": [], "total": len(elements)},
         "elements": elements},
    )
