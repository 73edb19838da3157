{{ config(enabled=tool_enabled('salesforce')) }}

with source as (

    select * from {{ source('salesforce', 'contacts') }}

),

latest as (

    {{ latest_per_key(
        'source', 'id',
        'coalesce(last_modified_date, created_date) desc, '
        ~ '_loaded_at desc, _row_number desc') }}

)

select
    id as contact_id,
    {{ clean_email('email') }} as email,
    email as email_raw,
    nullif(trim(first_name), '') as first_name,
    nullif(trim(last_name), '') as last_name,
    -- Empty for a private contact (consumer orgs have no accounts).
    nullif(trim(account_id), '') as crm_account_id,
    created_date as created_at,
    last_modified_date as updated_at,
    _loaded_at
from latest
