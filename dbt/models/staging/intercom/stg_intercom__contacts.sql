{{ config(enabled=tool_enabled('intercom')) }}

with source as (

    select * from {{ source('intercom', 'contacts') }}

),

latest as (

    {{ latest_per_key(
        'source', 'id',
        'coalesce(updated_at, created_at) desc, '
        ~ '_loaded_at desc, _row_number desc') }}

)

select
    id as contact_id,
    role as contact_role,
    role = 'lead' as is_lead,
    nullif(trim(external_id), '') as user_id,
    {{ clean_email('email') }} as email,
    email as email_raw,
    nullif(trim(name), '') as contact_name,
    -- Intercom's id of the first attached company; its workspace id is on
    -- the company (see stg_intercom__requesters).
    nullif(trim(company_id), '') as intercom_company_id,
    upper(location_country) as country,
    coalesce(has_hard_bounced, false) as has_hard_bounced,
    coalesce(unsubscribed_from_emails, false) as is_unsubscribed,
    created_at,
    updated_at,
    signed_up_at,
    last_seen_at,
    last_replied_at,
    last_contacted_at,
    _loaded_at
from latest
