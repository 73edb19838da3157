{{ config(enabled=tool_enabled('linkedin_ads')) }}

-- Analytics carry only the campaign URN: names and the account currency come
-- from the campaign listing.

with ad_analytics as (

    select * from {{ ref('stg_linkedin_ads__ad_analytics') }}

),

campaigns as (

    select * from {{ ref('stg_linkedin_ads__campaigns') }}

),

joined as (

    select
        ad_analytics.analytics_key as spend_key,
        'linkedin_ads' as channel,
        campaigns.ad_account_id,
        ad_analytics.campaign_id,
        campaigns.campaign_name,
        ad_analytics.spend_date,
        ad_analytics.spend,
        campaigns.currency,
        ad_analytics.spend_usd,
        ad_analytics.clicks,
        ad_analytics.impressions,
        cast(ad_analytics.conversions as {{ dbt.type_float() }}) as conversions,
        ad_analytics._loaded_at
    from ad_analytics
    left join campaigns
        on ad_analytics.campaign_id = campaigns.campaign_id

)

select * from joined
