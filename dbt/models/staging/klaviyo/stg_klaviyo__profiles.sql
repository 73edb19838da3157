{{ config(enabled=tool_enabled('klaviyo')) }}

with source as (

    select * from {{ source('klaviyo', 'profiles') }}

),

-- `updated` is Klaviyo's version of the profile; exports taken at different
-- times repeat a profile, the later one with the newer attributes.
latest as (

    {{ latest_per_key(
        'source', 'id',
        'coalesce(updated, created) desc, _loaded_at desc, _row_number desc') }}

)

select
    id as profile_id,
    {{ clean_email('email') }} as email,
    email as email_raw,
    nullif(trim(external_id), '') as user_id,
    nullif(trim(anonymous_id), '') as anonymous_id,
    nullif(trim(phone_number), '') as phone_number,
    nullif(trim(first_name), '') as first_name,
    nullif(trim(last_name), '') as last_name,
    -- Free text typed into the profile, not a CRM account key.
    nullif(trim(organization), '') as organization_name,
    country,
    timezone,
    created as created_at,
    updated as updated_at,
    _loaded_at
from latest
