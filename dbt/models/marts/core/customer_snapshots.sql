{#- Feature windows, in days before the snapshot. -#}
{%- set windows = [7, 30, 90] -%}
{%- set measures = ['events', 'sessions', 'reports_created', 'dashboards_shared',
                    'integrations_connected', 'data_exports', 'tickets',
                    'emails_delivered', 'emails_opened', 'emails_clicked'] -%}
{%- set lookback_days = 180 -%}
{%- set horizons = [30, 60, 90] -%}

-- Grain: one customer account at one snapshot date (the start of each month, or week with
-- var snapshot_grain = week) while it was a customer. Every feature is computed from data
-- strictly before the snapshot date; the labels say whether the account churned within the
-- following 30, 60 and 90 days, and whether that window had closed when the data ends.
-- Activity is looked back on for at most {{ lookback_days }} days.

with customers as (

    select * from {{ ref('customers') }}

),

activity as (

    select * from {{ ref('int_customer_daily_activity') }}

),

surveys as (

    select * from {{ ref('int_survey_responses_identified') }}
    where customer_id is not null

),

people as (

    select * from {{ ref('people') }}

),

subscriptions as (

    select * from {{ ref('int_subscriptions_identified') }}
    where customer_id is not null

),

tickets as (

    select * from {{ ref('int_support_tickets_identified') }}
    where customer_id is not null

),

onboarding_clicks as (

    select emails.customer_id, min(emails.occurred_at) as first_onboarding_click_at
    from {{ ref('int_email_events_identified') }} as emails
    inner join {{ ref('int_onboarding_campaigns') }} as campaigns
        on campaigns.source = emails.source
        and campaigns.campaign_name = emails.campaign_name
    where emails.metric = 'clicked' and emails.customer_id is not null
    group by emails.customer_id

),

first_use as (

    select
        customer_id,
        min(case when reports_created > 0 then activity_date end) as first_report_on,
        min(case when dashboards_shared > 0 then activity_date end) as first_dashboard_on,
        min(case when integrations_connected > 0 then activity_date end)
            as first_integration_on,
        min(case when data_exports > 0 then activity_date end) as first_export_on
    from activity
    group by customer_id

),

as_of as (

    select as_of_at from {{ ref('int_data_as_of') }}

),

spine as (

    {{ period_spine('(select min(started_at) from customers)',
                    '(select as_of_at from as_of)', var('snapshot_grain')) }}

),

snapshots as (

    select
        customers.customer_id,
        spine.period_start as snapshot_at
    from customers
    inner join spine
        on spine.period_start > customers.started_at
        and (customers.churned_at is null or customers.churned_at >= spine.period_start)

),

windowed as (

    select
        snapshots.customer_id,
        snapshots.snapshot_at,
        {%- for measure in measures %}
        {%- for days in windows %}
        sum(case when activity.activity_date
                >= {{ dbt.dateadd('day', -days, 'snapshots.snapshot_at') }}
            then activity.{{ measure }} else 0 end) as {{ measure }}_{{ days }}d,
        {%- endfor %}
        sum(case when activity.activity_date
                >= {{ dbt.dateadd('day', -60, 'snapshots.snapshot_at') }}
            and activity.activity_date
                < {{ dbt.dateadd('day', -30, 'snapshots.snapshot_at') }}
            then activity.{{ measure }} else 0 end) as {{ measure }}_prior_30d,
        {%- endfor %}
        max(case when activity.events > 0 then activity.activity_date end)
            as last_event_on,
        max(case when activity.tickets > 0 then activity.activity_date end)
            as last_ticket_on,
        max(case when activity.emails_opened > 0 then activity.activity_date end)
            as last_open_on,
        max(case when activity.activity_date
                >= {{ dbt.dateadd('day', -30, 'snapshots.snapshot_at') }}
            then activity.active_people else 0 end) as peak_active_people_30d
    from snapshots
    left join activity
        on activity.customer_id = snapshots.customer_id
        and activity.activity_date < snapshots.snapshot_at
        and activity.activity_date
            >= {{ dbt.dateadd('day', -lookback_days, 'snapshots.snapshot_at') }}
    group by snapshots.customer_id, snapshots.snapshot_at

),

survey_ranked as (

    select
        snapshots.customer_id,
        snapshots.snapshot_at,
        surveys.score,
        row_number() over (
            partition by snapshots.customer_id, snapshots.snapshot_at
            order by surveys.responded_at desc, surveys.response_id
        ) as answer_rank
    from snapshots
    inner join surveys
        on surveys.customer_id = snapshots.customer_id
        and surveys.responded_at < snapshots.snapshot_at

),

headcount as (

    select
        snapshots.customer_id,
        snapshots.snapshot_at,
        count(*) as people_signed_up
    from snapshots
    inner join people
        on people.customer_id = snapshots.customer_id
        and people.signed_up_at < snapshots.snapshot_at
    group by snapshots.customer_id, snapshots.snapshot_at

),

-- The plan, seats and MRR of the subscription that was the account's latest to start
-- before the snapshot, so an upgrade after it is not seen at it. A subscription is exported
-- in its latest state: a seat change within one subscription still shows its final count.
subscription_ranked as (

    select
        snapshots.customer_id,
        snapshots.snapshot_at,
        subscriptions.plan,
        subscriptions.quantity as seats,
        subscriptions.mrr,
        row_number() over (
            partition by snapshots.customer_id, snapshots.snapshot_at
            order by subscriptions.started_at desc, subscriptions.subscription_id
        ) as subscription_rank
    from snapshots
    inner join subscriptions
        on subscriptions.customer_id = snapshots.customer_id
        and subscriptions.started_at < snapshots.snapshot_at

),

onboarding_tickets as (

    select
        snapshots.customer_id,
        snapshots.snapshot_at,
        count(*) as onboarding_tickets
    from snapshots
    inner join customers on customers.customer_id = snapshots.customer_id
    inner join tickets
        on tickets.customer_id = snapshots.customer_id
        and tickets.created_at < snapshots.snapshot_at
        and tickets.created_at < {{ dbt.dateadd('day', 30, 'customers.started_at') }}
    group by snapshots.customer_id, snapshots.snapshot_at

)

select
    windowed.customer_id,
    windowed.snapshot_at,
    {%- for measure in measures %}
    {%- for days in windows %}
    windowed.{{ measure }}_{{ days }}d,
    {%- endfor %}
    windowed.{{ measure }}_prior_30d,
    (windowed.{{ measure }}_30d + 1.0) / (windowed.{{ measure }}_prior_30d + 1.0)
        as {{ measure }}_trend,
    {%- endfor %}
    coalesce({{ dbt.datediff('windowed.last_event_on', 'windowed.snapshot_at', 'day') }},
             {{ lookback_days }}) as days_since_last_event,
    coalesce({{ dbt.datediff('windowed.last_ticket_on', 'windowed.snapshot_at', 'day') }},
             {{ lookback_days }}) as days_since_last_ticket,
    coalesce({{ dbt.datediff('windowed.last_open_on', 'windowed.snapshot_at', 'day') }},
             {{ lookback_days }}) as days_since_last_email_open,
    case when windowed.emails_delivered_90d > 0
        then 1.0 * windowed.emails_opened_90d / windowed.emails_delivered_90d end
        as email_open_rate_90d,
    windowed.peak_active_people_30d,
    coalesce(headcount.people_signed_up, 0) as people_signed_up,
    coalesce(first_use.first_report_on < windowed.snapshot_at, false)
        as adopted_report_created,
    coalesce(first_use.first_dashboard_on < windowed.snapshot_at, false)
        as adopted_dashboard_shared,
    coalesce(first_use.first_integration_on < windowed.snapshot_at, false)
        as adopted_integration_connected,
    coalesce(first_use.first_export_on < windowed.snapshot_at, false)
        as adopted_data_exported,
    coalesce(onboarding_tickets.onboarding_tickets, 0) > 0 as has_onboarding_ticket,
    coalesce(onboarding_clicks.first_onboarding_click_at < windowed.snapshot_at, false)
        as clicked_onboarding_email,
    survey_ranked.score as latest_survey_score,
    subscription_ranked.plan,
    subscription_ranked.seats,
    subscription_ranked.mrr,
    customers.acquisition_channel,
    customers.acquisition_campaign,
    customers.industry,
    customers.country,
    {{ dbt.datediff('customers.started_at', 'windowed.snapshot_at', 'day') }} as tenure_days,
    {%- for days in horizons %}
    coalesce(customers.churned_at < {{ dbt.dateadd('day', days, 'windowed.snapshot_at') }},
             false) as churned_within_{{ days }}d,
    {{ dbt.dateadd('day', days, 'windowed.snapshot_at') }} <= as_of.as_of_at
        as label_window_closed_{{ days }}d{{ "," if not loop.last }}
    {%- endfor %}
from windowed
cross join as_of
inner join customers on customers.customer_id = windowed.customer_id
left join first_use on first_use.customer_id = windowed.customer_id
left join survey_ranked
    on survey_ranked.customer_id = windowed.customer_id
    and survey_ranked.snapshot_at = windowed.snapshot_at
    and survey_ranked.answer_rank = 1
left join headcount
    on headcount.customer_id = windowed.customer_id
    and headcount.snapshot_at = windowed.snapshot_at
left join onboarding_tickets
    on onboarding_tickets.customer_id = windowed.customer_id
    and onboarding_tickets.snapshot_at = windowed.snapshot_at
left join onboarding_clicks on onboarding_clicks.customer_id = windowed.customer_id
left join subscription_ranked
    on subscription_ranked.customer_id = windowed.customer_id
    and subscription_ranked.snapshot_at = windowed.snapshot_at
    and subscription_ranked.subscription_rank = 1
