-- Grain: one billing subscription, placed in its customer account. The billing tool's own
-- customer id is kept as `billing_customer_id`.
with subscriptions as (

    select
        source,
        subscription_id,
        customer_id as billing_customer_id,
        status,
        plan,
        quantity,
        mrr,
        currency,
        started_at,
        trial_end_at,
        canceled_at,
        ended_at,
        current_period_end
    from {{ ref('int_billing__subscriptions') }}

)

{{ with_identity('subscriptions', [['customer_id', 'billing_customer_id']]) }}
