-- Grain: one customer: a paying account (it has a billing record), with everything every
-- tool knows about it and its people.
with billing as (

    select * from {{ ref('int_customer_billing') }}

),

people as (

    select * from {{ ref('people') }}

),

acquisition as (

    select * from {{ ref('int_customer_acquisition') }}

),

campaign_months as (

    select * from {{ ref('int_campaign_months') }}

),

events as (

    select * from {{ ref('int_product_events_identified') }}
    where customer_id is not null

),

tickets as (

    select * from {{ ref('int_support_tickets_identified') }}
    where customer_id is not null

),

emails as (

    select * from {{ ref('int_email_events_identified') }}
    where customer_id is not null

),

onboarding_campaigns as (

    select * from {{ ref('int_onboarding_campaigns') }}

),

surveys as (

    select * from {{ ref('int_survey_responses_identified') }}
    where customer_id is not null

),

crm_accounts as (

    select * from {{ ref('int_crm_accounts_identified') }}
    where customer_id is not null

),

identity as (

    select * from {{ source('identity', 'identity_map') }}
    where customer_id is not null

),

as_of as (

    select as_of_at from {{ ref('int_data_as_of') }}

),

country_regions as (

    select * from {{ ref('country_regions') }}

),

firmographics as (

    select
        customer_id,
        account_name,
        domain,
        industry,
        country,
        employees,
        row_number() over (partition by customer_id order by created_at, crm_account_id)
            as account_rank
    from crm_accounts

),

headcount as (

    select
        customer_id,
        count(*) as people,
        sum(case when events_30d > 0 then 1 else 0 end) as active_people_30d,
        sum(case when events_total > 0 then 1 else 0 end) as product_users
    from people
    group by customer_id

),

usage as (

    select
        events.customer_id,
        min(case when events.event_name = 'signed_up' then events.occurred_at end)
            as signed_up_at,
        min(case when events.event_name in
                ('report_created', 'dashboard_shared', 'integration_connected',
                 'data_exported')
            then events.occurred_at end) as activated_at,
        max(events.occurred_at) as last_active_at,
        count(*) as events_total,
        sum(case when events.occurred_at >= {{ dbt.dateadd('day', -30, 'as_of.as_of_at') }}
            then 1 else 0 end) as events_30d,
        sum(case when events.occurred_at >= {{ dbt.dateadd('day', -90, 'as_of.as_of_at') }}
            then 1 else 0 end) as events_90d,
        sum(case when events.event_name = 'session_started' then 1 else 0 end)
            as sessions_total,
        max(case when events.event_name = 'report_created' then 1 else 0 end) = 1
            as adopted_report_created,
        max(case when events.event_name = 'dashboard_shared' then 1 else 0 end) = 1
            as adopted_dashboard_shared,
        max(case when events.event_name = 'integration_connected' then 1 else 0 end) = 1
            as adopted_integration_connected,
        max(case when events.event_name = 'data_exported' then 1 else 0 end) = 1
            as adopted_data_exported
    from events
    cross join as_of
    group by events.customer_id

),

support as (

    select
        tickets.customer_id,
        count(*) as tickets_total,
        sum(case when tickets.created_at >= {{ dbt.dateadd('day', -30, 'as_of.as_of_at') }}
            then 1 else 0 end) as tickets_30d,
        sum(case when tickets.created_at >= {{ dbt.dateadd('day', -90, 'as_of.as_of_at') }}
            then 1 else 0 end) as tickets_90d,
        sum(case when tickets.created_at < {{ dbt.dateadd('day', 30, 'billing.started_at') }}
            then 1 else 0 end) as onboarding_tickets,
        max(tickets.created_at) as last_ticket_at
    from tickets
    cross join as_of
    inner join billing on billing.customer_id = tickets.customer_id
    group by tickets.customer_id

),

engagement as (

    select
        emails.customer_id,
        sum(case when emails.metric = 'delivered' then 1 else 0 end) as emails_delivered,
        sum(case when emails.metric = 'opened' then 1 else 0 end) as emails_opened,
        sum(case when emails.metric = 'clicked' then 1 else 0 end) as emails_clicked,
        max(case when emails.metric = 'clicked' and onboarding_campaigns.campaign_name
            is not null then 1 else 0 end) = 1 as clicked_onboarding_email,
        max(case when onboarding_campaigns.campaign_name is not null then 1 else 0 end) = 1
            as received_onboarding_email
    from emails
    left join onboarding_campaigns
        on onboarding_campaigns.source = emails.source
        and onboarding_campaigns.campaign_name = emails.campaign_name
    group by emails.customer_id

),

latest_survey as (

    select
        customer_id,
        score as latest_survey_score,
        responded_at as latest_survey_at,
        row_number() over (partition by customer_id order by responded_at desc, response_id)
            as answer_rank
    from surveys

),

survey_counts as (

    select customer_id, count(*) as survey_responses, avg(score) as average_survey_score
    from surveys
    group by customer_id

),

known_by as (

    select
        customer_id,
        count(distinct source) as sources_known,
        {{ dbt.listagg('distinct source', "', '", "order by source") }} as sources
    from identity
    group by customer_id

)

select
    billing.customer_id,
    coalesce(firmographics.account_name, billing.billing_name, billing.customer_id)
        as account_name,
    firmographics.domain,
    firmographics.industry,
    firmographics.country,
    country_regions.region,
    firmographics.employees,
    coalesce(headcount.people, 0) as people,
    coalesce(headcount.active_people_30d, 0) as active_people_30d,
    case when headcount.people > 0
        then 1.0 * headcount.active_people_30d / headcount.people end as adoption_breadth_30d,
    acquisition.acquisition_channel,
    acquisition.acquisition_campaign,
    acquisition.acquired_at,
    campaign_months.cac as attributed_acquisition_cost,
    coalesce(usage.signed_up_at, acquisition.acquired_at, billing.started_at) as signed_up_at,
    usage.activated_at,
    usage.activated_at is not null as is_activated,
    usage.last_active_at,
    {{ dbt.datediff('usage.last_active_at', 'as_of.as_of_at', 'day') }}
        as days_since_last_active,
    coalesce(usage.events_total, 0) as events_total,
    coalesce(usage.events_30d, 0) as events_30d,
    coalesce(usage.events_90d, 0) as events_90d,
    coalesce(usage.sessions_total, 0) as sessions_total,
    coalesce(usage.adopted_report_created, false) as adopted_report_created,
    coalesce(usage.adopted_dashboard_shared, false) as adopted_dashboard_shared,
    coalesce(usage.adopted_integration_connected, false) as adopted_integration_connected,
    coalesce(usage.adopted_data_exported, false) as adopted_data_exported,
    coalesce(support.tickets_total, 0) as tickets_total,
    coalesce(support.tickets_30d, 0) as tickets_30d,
    coalesce(support.tickets_90d, 0) as tickets_90d,
    coalesce(support.onboarding_tickets, 0) > 0 as has_onboarding_ticket,
    support.last_ticket_at,
    coalesce(engagement.emails_delivered, 0) as emails_delivered,
    coalesce(engagement.emails_opened, 0) as emails_opened,
    coalesce(engagement.emails_clicked, 0) as emails_clicked,
    case when engagement.emails_delivered > 0
        then 1.0 * engagement.emails_opened / engagement.emails_delivered end as email_open_rate,
    coalesce(engagement.clicked_onboarding_email, false) as clicked_onboarding_email,
    billing.billing_customer_id,
    billing.plan,
    billing.subscription_status,
    billing.seats,
    billing.mrr,
    billing.last_mrr,
    billing.currency,
    billing.started_at,
    billing.churned_at,
    billing.is_churned,
    {{ dbt.datediff('billing.started_at',
                    'coalesce(billing.churned_at, as_of.as_of_at)', 'day') }} as tenure_days,
    billing.revenue_to_date,
    latest_survey.latest_survey_score,
    latest_survey.latest_survey_at,
    coalesce(survey_counts.survey_responses, 0) as survey_responses,
    known_by.sources_known,
    known_by.sources
from billing
cross join as_of
left join firmographics
    on firmographics.customer_id = billing.customer_id and firmographics.account_rank = 1
left join country_regions on country_regions.country = firmographics.country
left join headcount on headcount.customer_id = billing.customer_id
left join acquisition on acquisition.customer_id = billing.customer_id
left join campaign_months
    on campaign_months.channel = acquisition.acquisition_channel
    and campaign_months.campaign_name = acquisition.acquisition_campaign
    and campaign_months.acquisition_month
        = {{ dbt.date_trunc('month', 'acquisition.acquired_at') }}
left join usage on usage.customer_id = billing.customer_id
left join support on support.customer_id = billing.customer_id
left join engagement on engagement.customer_id = billing.customer_id
left join latest_survey
    on latest_survey.customer_id = billing.customer_id and latest_survey.answer_rank = 1
left join survey_counts on survey_counts.customer_id = billing.customer_id
left join known_by on known_by.customer_id = billing.customer_id
