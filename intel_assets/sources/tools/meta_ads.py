"""Meta Ads Insights pages at campaign level with `time_increment=1`: daily rows, no people.

Each file is one page `{data[], paging}`; `meta_ads_campaign_insights` holds one row per
element of `data`: one campaign on one day (`date_start` = `date_stop`, the account's time
zone). Every metric arrives as a string: `spend` a decimal in `account_currency`,
impressions and clicks integers. Campaign ids are 18-digit int64 values, above 2^53, and
stay strings. `actions` is kept whole as JSON (`[{action_type, value}]`) since which action
type counts as a conversion is the advertiser's choice (`lead`,
`offsite_conversion.fb_pixel_complete_registration`, ...): staging unnests it. Rows with no
actions leave the list out, so NULL means none. `paging` sits on the page and is not kept.
"""

from __future__ import annotations

from intel_assets.sources.readers import json_document
from intel_assets.sources.spec import Column, RawObject

CAMPAIGN_INSIGHTS = RawObject(
    tool="meta_ads",
    name="campaign_insights",
    family="ads",
    reader=json_document(["data"]),
    patterns=("campaign_insights/*.json", "campaign_insights*.json"),
    description="Meta Ads campaign Insights, one row per campaign per day.",
    columns=(
        Column("account_id", "account_id", description="Ad account id, without `act_`."),
        Column("account_currency", "account_currency"),
        Column("campaign_id", "campaign_id", required=True,
               description="Campaign id, an int64 above 2^53 kept as a string."),
        Column("campaign_name", "campaign_name",
               description="What `{{campaign.name}}` puts in UTMs."),
        Column("date_start", "date_start", "date", required=True),
        Column("date_stop", "date_stop", "date"),
        Column("spend", "spend", "decimal", description="Spend in the account currency."),
        Column("impressions", "impressions", "integer"),
        Column("clicks", "clicks", "integer"),
        Column("actions", "actions", "json",
               description="`[{action_type, value}]`, values as strings; NULL means none."),
    ),
)

OBJECTS = (CAMPAIGN_INSIGHTS,)
