-- Grain: one acquisition channel, campaign and month: spend, customers acquired, what it
-- cost per customer, and how those customers activated, stayed and paid. Retention at N
-- days counts only customers acquired at least N days before the data ends, so young
-- cohorts are not flattered by churn that has not had time to happen.
with customers as (

    select * from {{ ref('customers') }}

),

campaign_months as (

    select * from {{ ref('int_campaign_months') }}

),

as_of as (

    select as_of_at from {{ ref('int_data_as_of') }}

),

cohorts as (

    select
        customers.acquisition_channel as channel,
        customers.acquisition_campaign as campaign_name,
        {{ dbt.date_trunc('month', 'customers.acquired_at') }} as acquisition_month,
        count(*) as customers_acquired,
        sum(case when customers.is_activated then 1 else 0 end) as customers_activated,
        sum(customers.revenue_to_date) as revenue_to_date,
        sum(customers.mrr) as current_mrr,
        {%- for days in [30, 60, 90] %}
        sum(case when customers.acquired_at
                <= {{ dbt.dateadd('day', -days, 'as_of.as_of_at') }}
            then 1 else 0 end) as eligible_{{ days }}d,
        sum(case when customers.acquired_at
                <= {{ dbt.dateadd('day', -days, 'as_of.as_of_at') }}
            and (customers.churned_at is null or customers.churned_at
                > {{ dbt.dateadd('day', days, 'customers.started_at') }})
            then 1 else 0 end) as retained_{{ days }}d{{ "," if not loop.last }}
        {%- endfor %}
    from customers
    cross join as_of
    where customers.acquired_at is not null
    group by
        customers.acquisition_channel,
        customers.acquisition_campaign,
        {{ dbt.date_trunc('month', 'customers.acquired_at') }}

)

select
    coalesce(cohorts.channel, campaign_months.channel) as channel,
    coalesce(cohorts.campaign_name, campaign_months.campaign_name) as campaign_name,
    coalesce(cohorts.acquisition_month, campaign_months.acquisition_month)
        as acquisition_month,
    coalesce(campaign_months.spend, 0) as spend,
    coalesce(campaign_months.clicks, 0) as clicks,
    coalesce(campaign_months.platform_conversions, 0) as platform_conversions,
    coalesce(cohorts.customers_acquired, 0) as customers_acquired,
    case when cohorts.customers_acquired > 0
        then campaign_months.spend / cohorts.customers_acquired end as cpa,
    case when cohorts.customers_acquired > 0
        then 1.0 * cohorts.customers_activated / cohorts.customers_acquired end
        as activation_rate,
    {%- for days in [30, 60, 90] %}
    coalesce(cohorts.eligible_{{ days }}d, 0) as eligible_{{ days }}d,
    coalesce(cohorts.retained_{{ days }}d, 0) as retained_{{ days }}d,
    case when cohorts.eligible_{{ days }}d > 0
        then 1.0 * cohorts.retained_{{ days }}d / cohorts.eligible_{{ days }}d end
        as retention_{{ days }}d,
    {%- endfor %}
    coalesce(cohorts.revenue_to_date, 0) as revenue_to_date,
    coalesce(cohorts.current_mrr, 0) as current_mrr,
    -- What each customer still there after 90 days cost: spend over the retained share
    -- of the customers acquired.
    case when cohorts.retained_90d > 0 and cohorts.eligible_90d > 0
        then campaign_months.spend
            / (cohorts.customers_acquired * cohorts.retained_90d / cohorts.eligible_90d)
        end as retention_adjusted_cac
from cohorts
full outer join campaign_months
    on campaign_months.channel = cohorts.channel
    and campaign_months.campaign_name = cohorts.campaign_name
    and campaign_months.acquisition_month = cohorts.acquisition_month
