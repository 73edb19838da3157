{{ config(enabled=tool_enabled('heap')) }}

-- One row per event of Heap's tracked event tables (`raw.heap_events`, the
-- tables side by side; `event_table_name` says which). Feeds
-- `stg_heap__events`, the family contract, with sessions and page views.

with source as (

    select * from {{ source('heap', 'events') }}

),

latest as (

    {{ latest_per_key(
        'source', 'event_id', '_loaded_at desc, _row_number desc') }}

)

select
    event_id,
    event_table_name,
    user_id as heap_user_id,
    session_id,
    time as occurred_at,
    domain,
    path,
    nullif(trim(query), '') as query,
    title,
    {{ heap_session_columns() }},
    -- Custom properties of the sign-up table only.
    {{ clean_email('email') }} as email,
    email as email_raw,
    nullif(trim(gclid), '') as gclid,
    nullif(trim(fbclid), '') as fbclid,
    nullif(trim(li_fat_id), '') as li_fat_id,
    _loaded_at
from latest
