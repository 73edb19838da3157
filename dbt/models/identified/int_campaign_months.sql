-- Grain: one channel, campaign and calendar month: what was spent and how many customer
-- accounts it acquired (first touch). Campaigns match on the channel and the campaign name
-- the landing URL carried in utm_campaign; unpaid channels have no campaign and no row.
with spend as (

    select
        channel,
        campaign_name,
        {{ dbt.date_trunc('month', 'spend_date') }} as acquisition_month,
        sum(spend) as spend,
        sum(clicks) as clicks,
        sum(impressions) as impressions,
        sum(conversions) as platform_conversions
    from {{ ref('int_ads__spend') }}
    group by channel, campaign_name, {{ dbt.date_trunc('month', 'spend_date') }}

),

acquired as (

    select
        acquisition_channel as channel,
        acquisition_campaign as campaign_name,
        {{ dbt.date_trunc('month', 'acquired_at') }} as acquisition_month,
        count(*) as customers_acquired
    from {{ ref('int_customer_acquisition') }}
    inner join {{ ref('int_customer_billing') }} using (customer_id)
    where acquisition_campaign is not null
    group by acquisition_channel, acquisition_campaign,
        {{ dbt.date_trunc('month', 'acquired_at') }}

)

select
    coalesce(spend.channel, acquired.channel) as channel,
    coalesce(spend.campaign_name, acquired.campaign_name) as campaign_name,
    coalesce(spend.acquisition_month, acquired.acquisition_month) as acquisition_month,
    coalesce(spend.spend, 0) as spend,
    coalesce(spend.clicks, 0) as clicks,
    coalesce(spend.impressions, 0) as impressions,
    coalesce(spend.platform_conversions, 0) as platform_conversions,
    coalesce(acquired.customers_acquired, 0) as customers_acquired,
    case when acquired.customers_acquired > 0
        then spend.spend / acquired.customers_acquired end as cac
from spend
full outer join acquired
    on acquired.channel = spend.channel
    and acquired.campaign_name = spend.campaign_name
    and acquired.acquisition_month = spend.acquisition_month
