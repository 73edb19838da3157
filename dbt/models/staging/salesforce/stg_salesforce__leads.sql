{{ config(enabled=tool_enabled('salesforce')) }}

with source as (

    select * from {{ source('salesforce', 'leads') }}

),

latest as (

    {{ latest_per_key(
        'source', 'id',
        'coalesce(last_modified_date, created_date) desc, '
        ~ '_loaded_at desc, _row_number desc') }}

)

select
    id as lead_id,
    {{ clean_email('email') }} as email,
    email as email_raw,
    nullif(trim(first_name), '') as first_name,
    nullif(trim(last_name), '') as last_name,
    company as company_name,
    status as lead_status,
    lead_source,
    coalesce(is_converted, false) as is_converted,
    cast(converted_date as {{ dbt.type_timestamp() }}) as converted_at,
    nullif(trim(converted_contact_id), '') as converted_contact_id,
    nullif(trim(converted_account_id), '') as converted_account_id,
    nullif(trim(converted_opportunity_id), '') as converted_opportunity_id,
    created_date as created_at,
    last_modified_date as updated_at,
    _loaded_at
from latest
