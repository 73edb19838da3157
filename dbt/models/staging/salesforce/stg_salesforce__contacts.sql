{{ config(enabled=tool_enabled('salesforce')) }}

-- Contacts plus the leads that never converted: a converted lead became one of
-- the contacts, so keeping it would count the person twice.

with contact_records as (

    select * from {{ ref('stg_salesforce__contact_records') }}

),

leads as (

    select * from {{ ref('stg_salesforce__leads') }}

),

accounts as (

    select * from {{ ref('stg_salesforce__accounts') }}

),

-- Salesforce contacts have no lifecycle field: the account's Type says whether
-- they belong to a customer. A private contact (no account) is `other`.
contacts as (

    select
        contact_records.contact_id,
        contact_records.email,
        contact_records.email_raw,
        contact_records.first_name,
        contact_records.last_name,
        contact_records.crm_account_id,
        -- Salesforce has no standard field for the app's user id.
        cast(null as {{ dbt.type_string() }}) as user_id,
        case
            when accounts.account_type like 'Customer%' then 'customer'
            when accounts.account_type = 'Prospect' then 'lead'
            else 'other'
        end as lifecycle_stage,
        false as is_lead,
        contact_records.created_at,
        contact_records.updated_at,
        contact_records._loaded_at
    from contact_records
    left join accounts
        on contact_records.crm_account_id = accounts.crm_account_id

),

unconverted_leads as (

    select
        lead_id as contact_id,
        email,
        email_raw,
        first_name,
        last_name,
        -- A lead has no account until it converts.
        cast(null as {{ dbt.type_string() }}) as crm_account_id,
        cast(null as {{ dbt.type_string() }}) as user_id,
        'lead' as lifecycle_stage,
        true as is_lead,
        created_at,
        updated_at,
        _loaded_at
    from leads
    where not is_converted

),

unioned as (

    select * from contacts
    union all
    select * from unconverted_leads

)

select * from unioned
