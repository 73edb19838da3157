{{ config(enabled=tool_enabled('linkedin_ads')) }}

with source as (

    select * from {{ source('linkedin_ads', 'ad_analytics') }}

),

-- A month is requested again as LinkedIn settles its numbers: the newest load
-- of a campaign-day wins.
latest as (

    {{ latest_per_key(
        'source', 'pivot_value, date_start',
        '_loaded_at desc, _row_number desc') }}

)

select
    {{ dbt.concat([
        'pivot_value', "'|'",
        'cast(date_start as ' ~ dbt.type_string() ~ ')']) }} as analytics_key,
    pivot_value as campaign_urn,
    -- urn:li:sponsoredCampaign:<id> -> <id>
    {{ dbt.split_part('pivot_value', "':'", 4) }} as campaign_id,
    date_start as spend_date,
    date_end,
    cast(cost_in_local_currency as {{ dbt.type_numeric() }}) as spend,
    cast(cost_in_usd as {{ dbt.type_numeric() }}) as spend_usd,
    clicks,
    impressions,
    external_website_conversions as conversions,
    _loaded_at
from latest
