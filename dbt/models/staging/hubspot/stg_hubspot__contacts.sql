{{ config(enabled=tool_enabled('hubspot')) }}

with source as (

    select * from {{ source('hubspot', 'contacts') }}

),

-- updatedAt is HubSpot's version of the record; a record never updated has its
-- creation as its last update.
latest as (

    {{ latest_per_key(
        'source', 'id',
        'coalesce(updated_at, created_at) desc, '
        ~ '_loaded_at desc, _row_number desc') }}

),

renamed as (

    select
        id as contact_id,
        {{ clean_email('email') }} as email,
        email as email_raw,
        nullif(trim(firstname), '') as first_name,
        nullif(trim(lastname), '') as last_name,
        -- The primary company (the first association); NULL without companies.
        nullif(trim(company_id), '') as crm_account_id,
        company as company_name,
        lower(nullif(trim(lifecyclestage), '')) as lifecycle_stage_native,
        coalesce(archived, false) as is_archived,
        created_at,
        updated_at,
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
    -- HubSpot has no default property for the app's user id.
    cast(null as {{ dbt.type_string() }}) as user_id,
    company_name,
    -- HubSpot's default stages; custom stage ids fall to `other`.
    case
        when lifecycle_stage_native in ('customer', 'evangelist')
            then 'customer'
        when lifecycle_stage_native in (
            'subscriber', 'lead', 'marketingqualifiedlead',
            'salesqualifiedlead', 'opportunity'
        ) then 'lead'
        else 'other'
    end as lifecycle_stage,
    lifecycle_stage_native,
    -- HubSpot keeps a lead and its contact as one record whose lifecycle stage
    -- moves on, so no row is a Salesforce-style Lead: `lifecycle_stage` says
    -- who is still a lead.
    false as is_lead,
    is_archived,
    created_at,
    updated_at,
    _loaded_at
from renamed
