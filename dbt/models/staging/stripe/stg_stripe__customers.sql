{{ config(enabled=tool_enabled('stripe')) }}

with source as (

    select * from {{ source('stripe', 'customers') }}

),

latest as (

    {{ latest_per_key('source', 'id', '_loaded_at desc, _row_number desc') }}

)

select
    id as customer_id,
    {{ clean_email('email') }} as email,
    email as email_raw,
    nullif(trim(app_user_id), '') as user_id,
    -- The demo's Stripe metadata holds the app user only; an app that also writes its
    -- workspace id there would map it here.
    cast(null as {{ dbt.type_string() }}) as workspace_id,
    name as customer_name,
    created as created_at,
    _loaded_at
from latest
