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
    {{ heap_session_columns() }},
    _loaded_at
from latest
