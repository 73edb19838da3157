{{ config(enabled=tool_enabled('heap')) }}

-- One row per migrated Heap user: an anonymous user (a browser's cookie) moved
-- into the identified user by an identify call. A user migrates once.

with source as (

    select * from {{ source('heap', 'user_migrations') }}

),

latest as (

    {{ latest_per_key(
        'source', 'from_user_id', '_loaded_at desc, _row_number desc') }}

)

select
    from_user_id as from_heap_user_id,
    to_user_id as to_heap_user_id,
    time as migrated_at,
    _loaded_at
from latest
