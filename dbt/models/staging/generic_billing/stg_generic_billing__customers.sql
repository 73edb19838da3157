{{ config(enabled=tool_enabled('generic_billing')) }}

-- Family contract `customers`: one row per billing customer, the latest
-- version loaded.

with source as (

    select * from {{ source('generic_billing', 'customers') }}

),

latest as (

    {{ latest_per_key(
        'source', 'customer_id', '_loaded_at desc, _row_number desc') }}

)

select
    trim(customer_id) as customer_id,
    {{ clean_email('email') }} as email,
    email as email_raw,
    nullif(trim(user_id), '') as user_id,
    nullif(trim(workspace_id), '') as workspace_id,
    nullif(trim(name), '') as customer_name,
    created_at,
    _loaded_at
from latest
