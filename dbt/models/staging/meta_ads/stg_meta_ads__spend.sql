{{ config(enabled=tool_enabled('meta_ads')) }}

with source as (

    select * from {{ source('meta_ads', 'campaign_insights') }}

),

-- Insights are restated for days after the fact: the newest load of a
-- campaign-day wins.
latest as (

    {{ latest_per_key(
        'source', 'account_id, campaign_id, date_start',
        '_loaded_at desc, _row_number desc') }}

)

select
    {{ dbt.concat([
        "coalesce(account_id, '')", "'|'", 'campaign_id', "'|'",
        'cast(date_start as ' ~ dbt.type_string() ~ ')']) }} as spend_key,
    'meta_ads' as channel,
    account_id as ad_account_id,
    campaign_id,
    campaign_name,
    -- time_increment=1: one day, in the account's time zone.
    date_start as spend_date,
    cast(spend as {{ dbt.type_numeric() }}) as spend,
    upper(account_currency) as currency,
    clicks,
    impressions,
    -- Conversions live in the `actions` list ([{action_type, value}]), which
    -- the raw layer keeps as JSON and does not flatten; without JSON functions
    -- they cannot be read here, so the contract gets NULL.
    cast(null as {{ dbt.type_float() }}) as conversions,
    _loaded_at
from latest
