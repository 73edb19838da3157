{{ config(enabled=tool_enabled('heap')) }}

-- One row per Heap user: each dump that saw a user change writes it again, so
-- the row with the latest `last_modified` wins. `identity` is the app's user id.

with source as (

    select * from {{ source('heap', 'users') }}

),

latest as (

    {{ latest_per_key(
        'source', 'user_id',
        'last_modified desc, _loaded_at desc, _row_number desc') }}

)

select
    user_id as heap_user_id,
    nullif(trim(identity), '') as user_id,
    {{ clean_email('email') }} as email,
    email as email_raw,
    nullif(trim(name), '') as user_name,
    nullif(trim(workspace_id), '') as workspace_id,
    joindate as joined_at,
    last_modified as last_modified_at,
    _loaded_at
from latest
