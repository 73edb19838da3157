{{ config(enabled=tool_enabled('heap')) }}

-- One row per Heap session, with its landing page, referrer and UTMs.

with source as (

    select * from {{ source('heap', 'sessions') }}

),

latest as (

    {{ latest_per_key(
        'source', 'session_id', '_loaded_at desc, _row_number desc') }}

)

select
    session_id,
    user_id as heap_user_id,
    time as started_at,
    library,
    platform,
    device_type,
    country,
    browser,
    nullif(trim(referrer), '') as referrer,
    landing_page,
    nullif(trim(landing_page_query), '') as landing_page_query,
    nullif(trim(utm_source), '') as utm_source,
    nullif(trim(utm_medium), '') as utm_medium,
    nullif(trim(utm_campaign), '') as utm_campaign,
    nullif(trim(workspace_id), '') as workspace_id,
    _loaded_at
from latest
