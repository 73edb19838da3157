{{ config(enabled=tool_enabled('generic_crm')) }}

-- Family contract `contacts`: one row per CRM contact (customers and
-- prospects alike), the latest version loaded.

with source as (

    select * from {{ source('generic_crm', 'contacts') }}

),

latest as (

    {{ latest_per_key(
        'source', 'contact_id', '_loaded_at desc, _row_number desc') }}

),

renamed as (

    select
        trim(contact_id) as contact_id,
        {{ clean_email('email') }} as email,
        email as email_raw,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        nullif(trim(account_id), '') as crm_account_id,
        nullif(trim(user_id), '') as user_id,
        {{ dbt.replace(dbt.replace("lower(nullif(trim(lifecycle_stage), ''))",
                                   "' '", "''"), "'_'", "''") }}
            as lifecycle_stage_key,
        lifecycle_stage as lifecycle_stage_native,
        created_at,
        _loaded_at
    from latest

)

select
    contact_id,
    email,
    email_raw,
    first_name,
    last_name,
    crm_account_id,
    user_id,
    -- The project's stages (customer, lead, other), read from the common
    -- CRM stage names whatever their spacing or case.
    case
        when lifecycle_stage_key in ('customer', 'evangelist') then 'customer'
        when lifecycle_stage_key in (
            'subscriber', 'lead', 'prospect', 'marketingqualifiedlead', 'mql',
            'salesqualifiedlead', 'sql', 'opportunity'
        ) then 'lead'
        else 'other'
    end as lifecycle_stage,
    lifecycle_stage_native,
    -- The contract has no separate lead object: leads are contacts whose
    -- `lifecycle_stage` says so.
    false as is_lead,
    created_at,
    _loaded_at
from renamed
