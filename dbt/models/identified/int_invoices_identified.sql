-- Grain: one invoice, placed in its customer account.
with invoices as (

    select
        source,
        invoice_id,
        customer_id as billing_customer_id,
        subscription_id,
        status,
        amount_due,
        amount_paid,
        currency,
        created_at,
        period_start,
        period_end,
        paid_at
    from {{ ref('int_billing__invoices') }}

)

{{ with_identity('invoices', [['customer_id', 'billing_customer_id']]) }}
