-- Grain: one customer account with a billing record: its plan, revenue and churn.
-- An account has churned when every subscription it ever had has ended; its churn date is
-- the last end. MRR is today's, zero once churned.
with subscriptions as (

    select * from {{ ref('int_subscriptions_identified') }}
    where customer_id is not null

),

invoices as (

    select * from {{ ref('int_invoices_identified') }}
    where customer_id is not null

),

ranked as (

    select
        *,
        coalesce(ended_at, canceled_at) as finished_at,
        row_number() over (
            partition by customer_id order by started_at desc, subscription_id
        ) as recency
    from subscriptions

),

per_customer as (

    select
        customer_id,
        min(started_at) as started_at,
        min(trial_end_at) as trial_end_at,
        count(*) as subscriptions,
        sum(case when coalesce(ended_at, canceled_at) is null then 1 else 0 end)
            as open_subscriptions,
        max(coalesce(ended_at, canceled_at)) as last_finished_at
    from ranked
    group by customer_id

),

billing_customers as (

    select source, customer_id as billing_customer_id, customer_name
    from {{ ref('int_billing__customers') }}

),

revenue as (

    select
        customer_id,
        sum(case when status = 'paid' then amount_paid else 0 end) as revenue_to_date,
        sum(case when status = 'paid' then 1 else 0 end) as invoices_paid
    from invoices
    group by customer_id

)

select
    per_customer.customer_id,
    latest.billing_customer_id,
    billing_customers.customer_name as billing_name,
    latest.plan,
    latest.status as subscription_status,
    latest.quantity as seats,
    latest.currency,
    case when per_customer.open_subscriptions > 0 then latest.mrr else 0 end as mrr,
    latest.mrr as last_mrr,
    per_customer.started_at,
    per_customer.trial_end_at,
    case when per_customer.open_subscriptions = 0 then per_customer.last_finished_at end
        as churned_at,
    per_customer.open_subscriptions = 0 as is_churned,
    coalesce(revenue.revenue_to_date, 0) as revenue_to_date,
    coalesce(revenue.invoices_paid, 0) as invoices_paid
from per_customer
inner join ranked as latest
    on latest.customer_id = per_customer.customer_id and latest.recency = 1
left join billing_customers
    on billing_customers.source = latest.source
    and billing_customers.billing_customer_id = latest.billing_customer_id
left join revenue on revenue.customer_id = per_customer.customer_id
