{{ config(enabled=tool_enabled('stripe')) }}

with source as (

    select * from {{ source('stripe', 'invoices') }}

),

latest as (

    {{ latest_per_key('source', 'id', '_loaded_at desc, _row_number desc') }}

)

select
    id as invoice_id,
    customer as customer_id,
    coalesce(parent_subscription, subscription) as subscription_id,
    status,
    billing_reason,
    cast(amount_due as {{ dbt.type_numeric() }}) / 100 as amount_due,
    cast(amount_paid as {{ dbt.type_numeric() }}) / 100 as amount_paid,
    upper(currency) as currency,
    {{ clean_email('customer_email') }} as customer_email,
    created as created_at,
    period_start,
    period_end,
    paid_at,
    _loaded_at
from latest
