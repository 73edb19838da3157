{{ config(enabled=tool_enabled('generic_product')) }}

-- Family contract `events`: one row per event of the generic product contract,
-- repeated event ids removed, with the project's event names.

with source as (

    select * from {{ source('generic_product', 'events') }}

),

renamed as (

    select
        trim(event_id) as event_id,
        trim(event) as event_name_native,
        {{ adapter.quote('timestamp') }} as occurred_at,
        nullif(trim(user_id), '') as user_id,
        nullif(trim(anonymous_id), '') as anonymous_id,
        {{ clean_email('email') }} as email,
        email as email_raw,
        nullif(trim(workspace_id), '') as workspace_id,
        nullif(trim(utm_source), '') as utm_source,
        nullif(trim(utm_medium), '') as utm_medium,
        nullif(trim(utm_campaign), '') as utm_campaign,
        nullif(trim(click_id), '') as click_id,
        nullif(trim(referrer), '') as referrer,
        _loaded_at,
        _row_number
    from source

),

-- A repeated event id is one event sent twice: the latest load wins.
latest as (

    {{ latest_per_key(
        'renamed', 'event_id', '_loaded_at desc, _row_number desc') }}

),

-- The contract asks for the product's own names; a company whose names
-- differ from the project's adds `generic_product` rows to the seed.
named as (

    {{ with_event_name('latest', 'generic_product') }}

)

select
    event_id,
    event_name,
    event_name_native,
    occurred_at,
    user_id,
    anonymous_id,
    -- The contract has no tool-side user id apart from `user_id`.
    cast(null as {{ dbt.type_string() }}) as tool_user_id,
    email,
    email_raw,
    workspace_id,
    utm_source,
    utm_medium,
    utm_campaign,
    click_id,
    -- `click_id` does not say which network issued it (gclid, fbclid,
    -- li_fat_id), and its value does not show it either: NULL, so that
    -- acquisition falls back to `utm_source`.
    cast(null as {{ dbt.type_string() }}) as click_id_type,
    referrer,
    {{ url_domain('referrer') }} as referrer_domain,
    _loaded_at
from named
