{{ config(enabled=tool_enabled('heap')) }}

-- One row per Heap page view. Session columns (referrer, landing page, UTMs)
-- are the session's, repeated on each of its events as Heap Connect does.

with source as (

    select * from {{ source('heap', 'pageviews') }}

),

latest as (

    {{ latest_per_key(
        'source', 'event_id', '_loaded_at desc, _row_number desc') }}

)

select
    event_id,
    user_id as heap_user_id,
    session_id,
    time as occurred_at,
    domain,
    path,
    nullif(trim(query), '') as query,
    title,
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
