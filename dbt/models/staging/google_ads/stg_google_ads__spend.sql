{{ config(enabled=tool_enabled('google_ads')) }}

with source as (

    select * from {{ source('google_ads', 'campaign_stats') }}

),

-- A month's report is pulled again as conversions settle: the newest load of a
-- campaign-day wins.
latest as (

    {{ latest_per_key(
        'source', 'customer_id, campaign_id, date',
        '_loaded_at desc, _row_number desc') }}

)

select
    {{ dbt.concat([
        'customer_id', "'|'", 'campaign_id', "'|'",
        'cast(date as ' ~ dbt.type_string() ~ ')']) }} as spend_key,
    'google_ads' as channel,
    customer_id as ad_account_id,
    campaign_id,
    campaign_name,
    campaign_status,
    advertising_channel_type,
    -- The day in the account's time zone, as the platform reports it.
    date as spend_date,
    -- The API omits metrics that are zero, so NULL means 0.
    cast(coalesce(cost_micros, 0) as {{ dbt.type_numeric() }}) / 1000000
        as spend,
    upper(currency_code) as currency,
    coalesce(clicks, 0) as clicks,
    coalesce(impressions, 0) as impressions,
    cast(coalesce(conversions, 0) as {{ dbt.type_float() }}) as conversions,
    _loaded_at
from latest
