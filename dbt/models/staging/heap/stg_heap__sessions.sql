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
    {{ heap_session_columns() }},
    _loaded_at
from latest
