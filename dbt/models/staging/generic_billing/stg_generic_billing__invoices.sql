{{ config(enabled=tool_enabled('generic_billing')) }}

-- Family contract `invoices`: one row per invoice in its latest state;
-- amounts are already in major units.

with source as (

    select * from {{ source('generic_billing', 'invoices') }}

),

latest as (

    {{ latest_per_key(
        'source', 'invoice_id', '_loaded_at desc, _row_number desc') }}

)

select
    trim(invoice_id) as invoice_id,
    trim(customer_id) as customer_id,
    nullif(trim(subscription_id), '') as subscription_id,
    lower(trim(status)) as status,
    cast(amount_due as {{ dbt.type_numeric() }}) as amount_due,
    cast(amount_paid as {{ dbt.type_numeric() }}) as amount_paid,
    upper(nullif(trim(currency), '')) as currency,
    created_at,
    period_start,
    period_end,
    paid_at,
    _loaded_at
from latest
