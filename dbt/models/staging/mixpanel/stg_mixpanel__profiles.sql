{{ config(enabled=tool_enabled('mixpanel')) }}

-- Family contract `profiles`: one row per Mixpanel user profile (engage), the
-- latest page loaded. A profile's distinct id is the app's user id.

with source as (

    select * from {{ source('mixpanel', 'profiles') }}

),

latest as (

    {{ latest_per_key(
        'source', 'distinct_id', '_loaded_at desc, _row_number desc') }}

)

select
    distinct_id as profile_key,
    distinct_id as user_id,
    -- Engage profiles carry no device id: devices join users on events.
    cast(null as {{ dbt.type_string() }}) as anonymous_id,
    {{ clean_email('email') }} as email,
    email as email_raw,
    nullif(trim(workspace_id), '') as workspace_id,
    nullif(trim(name), '') as full_name,
    nullif(trim(first_name), '') as first_name,
    nullif(trim(last_name), '') as last_name,
    created as created_at,
    last_seen as last_seen_at,
    _loaded_at
from latest
