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

),

keyed as (

    select
        *,
        {{ dbt.concat([
            "coalesce(account_id, '')", "'|'", 'campaign_id', "'|'",
            'cast(date_start as ' ~ dbt.type_string() ~ ')']) }} as spend_key
    from latest

),

-- Conversions live in the `actions` list ([{action_type, value}], values as
-- strings; no list means none). Which action types count is the advertiser's
-- choice: the var `meta_conversion_action_types` names them. dbt has no
-- cross-database JSON macros, so the unnesting is written per adapter; on
-- another adapter the model stops at compile time rather than report zero.
actions as (

    {% if target.type == 'duckdb' %}
    select
        spend_key,
        unnest(from_json(
            actions, '[{"action_type": "VARCHAR", "value": "VARCHAR"}]'
        )) as action
    from keyed
    where actions is not null
    {% else %}
    {{ exceptions.raise_compiler_error(
        "stg_meta_ads__spend: reading Meta's actions JSON is written for duckdb only, not "
        ~ target.type) }}
    {% endif %}

),

conversions as (

    select
        spend_key,
        sum(cast(action.value as {{ dbt.type_float() }})) as conversions
    from actions
    where action.action_type in (
        {%- for action_type in var('meta_conversion_action_types', [
            'lead',
            'offsite_conversion.fb_pixel_complete_registration',
            'offsite_conversion.fb_pixel_lead',
            'offsite_conversion.fb_pixel_purchase',
        ]) %}
        '{{ action_type }}'{{ ',' if not loop.last }}
        {%- endfor %}
    )
    group by spend_key

)

select
    keyed.spend_key,
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
    coalesce(conversions.conversions, 0) as conversions,
    _loaded_at
from keyed
left join conversions on conversions.spend_key = keyed.spend_key
