{{ config(enabled=tool_enabled('generic_ads')) }}

-- Family contract `spend`: the generic `campaign_spend` table, one row per
-- channel, campaign and day; a re-delivered day replaces the earlier one.

with source as (

    select * from {{ source('generic_ads', 'campaign_spend') }}

),

renamed as (

    select
        -- Missing means the generic source itself.
        coalesce(
            lower(nullif(trim(channel), '')), 'generic_ads'
        ) as channel,
        trim(campaign_id) as campaign_id,
        nullif(trim(campaign_name), '') as campaign_name,
        cast({{ adapter.quote('date') }} as date) as spend_date,
        cast(spend as {{ dbt.type_numeric() }}) as spend,
        upper(nullif(trim(currency), '')) as currency,
        cast(clicks as {{ dbt.type_bigint() }}) as clicks,
        cast(impressions as {{ dbt.type_bigint() }}) as impressions,
        cast(conversions as {{ dbt.type_float() }}) as conversions,
        _loaded_at,
        _row_number
    from source

),

latest as (

    {{ latest_per_key(
        'renamed',
        'channel, campaign_id, spend_date',
        '_loaded_at desc, _row_number desc') }}

)

select
    {{ dbt.concat(["channel", "'|'", "campaign_id", "'|'",
                   "cast(spend_date as " ~ dbt.type_string() ~ ")"]) }}
        as spend_key,
    channel,
    campaign_id,
    campaign_name,
    spend_date,
    spend,
    currency,
    clicks,
    impressions,
    conversions,
    _loaded_at
from latest
