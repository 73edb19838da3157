{{ config(enabled=tool_enabled('zendesk')) }}

with source as (

    select * from {{ source('zendesk', 'users') }}

),

latest as (

    {{ latest_per_key(
        'source', 'id',
        'coalesce(updated_at, created_at) desc, '
        ~ '_loaded_at desc, _row_number desc') }}

)

select
    -- `user_id` is the app's user id across the project, so the Zendesk
    -- id of the user is named for the tool.
    id as zendesk_user_id,
    {{ clean_email('email') }} as email,
    email as email_raw,
    nullif(trim(name), '') as user_name,
    coalesce(role, 'end-user') as role,
    nullif(trim(external_id), '') as user_id,
    organization_id,
    coalesce(verified, false) as is_verified,
    coalesce(active, true) as is_active,
    coalesce(suspended, false) as is_suspended,
    coalesce(shared, false) as is_shared,
    time_zone,
    locale,
    created_at,
    updated_at,
    last_login_at,
    _loaded_at
from latest
