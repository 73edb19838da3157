"""Google Ads `googleAds:searchStream` responses: daily metrics per campaign, no people.

Each file is one response body, a JSON array of batches `{results[], fieldMask, requestId}`;
the reader flattens the batches, so `google_ads_campaign_stats` holds one row per result
row: one campaign on one `segments.date` (the account's time zone). int64 fields arrive as
JSON strings and ids stay strings here; `cost_micros` is micros of `currency_code`
(÷1,000,000). The API leaves out metrics that are zero, so a NULL metric means 0: staging
coalesces. `fieldMask` and `requestId` sit on the batch, not the row, and are not kept.
The `conversions` column is Google's own attributed count (a double), not our signups.
"""

from __future__ import annotations

from intel_assets.sources.readers import json_document
from intel_assets.sources.spec import Column, RawObject

CAMPAIGN_STATS = RawObject(
    tool="google_ads",
    name="campaign_stats",
    family="ads",
    reader=json_document(["*", "results"]),
    patterns=("campaign_stats/*.json", "campaign_stats*.json"),
    description="Google Ads campaign metrics, one row per campaign per day.",
    columns=(
        Column("customer_id", "customer.id", required=True,
               description="Google Ads customer (account) id, ten digits, no dashes."),
        Column("currency_code", "customer.currencyCode",
               description="ISO 4217 currency of every cost on the row."),
        Column("campaign_id", "campaign.id", required=True,
               description="Campaign id (int64 as a string); what `{campaignid}` puts in UTMs."),
        Column("campaign_resource_name", "campaign.resourceName"),
        Column("campaign_name", "campaign.name"),
        Column("campaign_status", "campaign.status"),
        Column("advertising_channel_type", "campaign.advertisingChannelType"),
        Column("date", "segments.date", "date", required=True,
               description="The day, in the account's time zone."),
        Column("cost_micros", "metrics.costMicros", "integer",
               description="Spend in micros of the account currency; NULL means 0."),
        Column("clicks", "metrics.clicks", "integer", description="NULL means 0."),
        Column("impressions", "metrics.impressions", "integer", description="NULL means 0."),
        Column("conversions", "metrics.conversions", "float",
               description="Google-attributed conversions (fractional); NULL means 0."),
    ),
)

OBJECTS = (CAMPAIGN_STATS,)
