{{ config(enabled=tool_enabled('generic_billing')) }}

-- Family contract `subscriptions`: one row per subscription of any status.
-- The contract has no current period; it is taken from the subscription's
-- invoices (the end of the latest period billed).

with subscription_records as (

    select * from {{ ref('stg_generic_billing__subscription_records') }}

),

invoices as (

    select * from {{ ref('stg_generic_billing__invoices') }}

),

billed_periods as (

    select
        subscription_id,
        max(period_end) as current_period_end
    from invoices
    where subscription_id is not null
    group by subscription_id

)

select
    subscription_records.subscription_id,
    subscription_records.customer_id,
    subscription_records.plan,
    subscription_records.status,
    subscription_records.quantity,
    subscription_records.unit_amount,
    subscription_records.currency,
    subscription_records.billing_interval,
    subscription_records.mrr,
    subscription_records.started_at,
    subscription_records.trial_end_at,
    subscription_records.canceled_at,
    subscription_records.ended_at,
    billed_periods.current_period_end,
    subscription_records._loaded_at
from subscription_records
left join billed_periods
    on subscription_records.subscription_id = billed_periods.subscription_id
