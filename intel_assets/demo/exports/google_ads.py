"""Google Ads: daily campaign metrics as `googleAds:searchStream` returns them, a month a file.

Each file is the response body of one request
`SELECT customer.id, customer.currency_code, campaign.id, campaign.name, campaign.status,
campaign.advertising_channel_type, segments.date, metrics.cost_micros, metrics.clicks,
metrics.impressions, metrics.conversions FROM campaign WHERE segments.date BETWEEN …` over one
calendar month: a JSON array of batches `{results[], fieldMask, requestId}` of at most 10,000
rows. Rows are nested by resource with camelCase keys; int64 values (ids, `costMicros`,
`clicks`, `impressions`) are JSON strings, `conversions` a double; a metric that is zero is
left out, as the API's JSON mapping omits default values. The account reports in UTC, so
`segments.date` is the world's UTC day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from intel_assets.demo import ids
from intel_assets.demo.exports.ads import account_id, channel_rows, month_spans, no_identities
from intel_assets.demo.exports.base import ExportContext
from intel_assets.demo.exports.formats import day, write_json
from intel_assets.demo.world import Company

BATCH_ROWS = 10_000
CURRENCY = "USD"
FIELD_MASK = ",".join(
    (
        "customer.id", "customer.currencyCode", "campaign.id", "campaign.name",
        "campaign.status", "campaign.advertisingChannelType", "segments.date",
        "metrics.costMicros", "metrics.clicks", "metrics.impressions", "metrics.conversions",
    )
)
# Remarketing runs on the Display network; every other demo campaign is a Search campaign.
DISPLAY_NAMES = frozenset({"Remarketing"})


def customer_id(seed: int) -> str:
    """The Google Ads customer id: ten digits, shown in the UI as 441-778-2930."""
    return account_id(seed, "google_ads", 10**9, 10**10)


def export_company(company: Company, ctx: ExportContext) -> pd.DataFrame:
    rows = channel_rows(company, ctx.tool)
    if rows.empty:
        return no_identities()
    cid = customer_id(ctx.seed)
    customer = {"resourceName": f"customers/{cid}", "id": cid, "currencyCode": CURRENCY}

    micros = rows["cost_cents"].to_numpy() * 10_000
    channel_type = np.where(rows["campaign_name"].isin(DISPLAY_NAMES), "DISPLAY", "SEARCH")
    results = []
    for campaign, name, kind, date, cost, clicks, shown, converted in zip(
        rows["campaign_id"].to_numpy(), rows["campaign_name"].to_numpy(), channel_type,
        day(rows["date"]), micros.tolist(), rows["clicks"].to_numpy().tolist(),
        rows["impressions"].to_numpy().tolist(), rows["conversions"].to_numpy().tolist(),
    ):
        metrics: dict[str, object] = {}
        if cost:
            metrics["costMicros"] = str(cost)
        if clicks:
            metrics["clicks"] = str(clicks)
        if shown:
            metrics["impressions"] = str(shown)
        if converted:
            metrics["conversions"] = converted
        results.append(
            {
                "customer": customer,
                "campaign": {
                    "resourceName": f"customers/{cid}/campaigns/{campaign}",
                    "id": campaign,
                    "name": name,
                    "status": "ENABLED",
                    "advertisingChannelType": kind,
                },
                "segments": {"date": date},
                "metrics": metrics,
            }
        )

    for number, (month, lo, hi) in enumerate(month_spans(rows["date"])):
        request_id = ids.base62(ctx.seed, "google_ads:request", np.array([number]), 22)[0]
        batches = [
            {"results": results[start:min(start + BATCH_ROWS, hi)], "fieldMask": FIELD_MASK,
             "requestId": request_id}
            for start in range(lo, hi, BATCH_ROWS)
        ]
        write_json(
            ctx.path("campaign_stats", f"campaign_stats_{ctx.chunk:04d}_{month}.json"),
            batches,
        )
    return no_identities()
