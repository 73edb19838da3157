"""LinkedIn Ads adAnalytics responses (pivot CAMPAIGN, daily) and the adCampaigns listing.

`linkedin_ads_ad_analytics` holds one row per element of `elements`: one campaign
(`pivot_value`, a `urn:li:sponsoredCampaign:…` URN) on one day. `dateRange.start` and
`.end` arrive as `{year, month, day}` and become dates; the row is keyed on the start, as
sources disagree on what `end` holds. Costs are decimal strings in the account's currency
(`cost_in_local_currency`) and in dollars; impressions, clicks and
`externalWebsiteConversions` are integers. The reporting time zone is unconfirmed.

Analytics carry no campaign names, so `linkedin_ads_campaigns` keeps the
`/rest/adAccounts/{id}/adCampaigns` listing; staging joins its `id` to the URN's numeric
suffix. LinkedIn sends that id as a JSON number; it is kept as a string like every id.
"""

from __future__ import annotations

from intel_assets.sources.readers import json_document
from intel_assets.sources.spec import Column, RawObject

_READER = json_document(["elements"])

AD_ANALYTICS = RawObject(
    tool="linkedin_ads",
    name="ad_analytics",
    family="ads",
    reader=_READER,
    patterns=("ad_analytics/*.json", "ad_analytics*.json"),
    description="LinkedIn Ads analytics by campaign, one row per campaign per day.",
    columns=(
        Column("date_start", "dateRange.start", "ymd", required=True,
               description="The day the row covers."),
        Column("date_end", "dateRange.end", "ymd"),
        Column("pivot_value", "pivotValues[0]", required=True,
               description="Campaign URN, `urn:li:sponsoredCampaign:<id>`."),
        Column("pivot_values", "pivotValues", "json"),
        Column("impressions", "impressions", "integer"),
        Column("clicks", "clicks", "integer"),
        Column("cost_in_local_currency", "costInLocalCurrency", "decimal",
               description="Spend in the ad account's currency."),
        Column("cost_in_usd", "costInUsd", "decimal"),
        Column("external_website_conversions", "externalWebsiteConversions", "integer",
               description="Conversions LinkedIn attributes to the campaign."),
    ),
)

CAMPAIGNS = RawObject(
    tool="linkedin_ads",
    name="campaigns",
    family="ads",
    reader=_READER,
    patterns=("campaigns/*.json", "campaigns*.json"),
    description="LinkedIn Ads campaigns of the ad account, one row per campaign.",
    columns=(
        Column("id", "id", required=True,
               description="Campaign id, the numeric suffix of the analytics URN."),
        Column("name", "name"),
        Column("status", "status"),
        Column("account", "account", description="`urn:li:sponsoredAccount:<id>`."),
        Column("campaign_group", "campaignGroup"),
        Column("type", "type"),
        Column("objective_type", "objectiveType"),
        Column("cost_type", "costType"),
        Column("daily_budget_amount", "dailyBudget.amount", "decimal"),
        Column("daily_budget_currency", "dailyBudget.currencyCode"),
        Column("run_schedule_start", "runSchedule.start", "epoch_ms"),
        Column("created_at", "changeAuditStamps.created.time", "epoch_ms"),
        Column("last_modified_at", "changeAuditStamps.lastModified.time", "epoch_ms"),
    ),
)

OBJECTS = (AD_ANALYTICS, CAMPAIGNS)
