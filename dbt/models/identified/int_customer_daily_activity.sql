-- Grain: one customer account and one day on which it did something: product events by
-- type, support tickets and lifecycle email engagement. Snapshot features sum these over
-- windows, which is far cheaper than joining raw events to every snapshot.
with events as (

    select
        customer_id,
        {{ dbt.date_trunc('day', 'occurred_at') }} as activity_date,
        count(*) as events,
        sum(case when event_name = 'session_started' then 1 else 0 end) as sessions,
        sum(case when event_name = 'report_created' then 1 else 0 end) as reports_created,
        sum(case when event_name = 'dashboard_shared' then 1 else 0 end) as dashboards_shared,
        sum(case when event_name = 'integration_connected' then 1 else 0 end)
            as integrations_connected,
        sum(case when event_name = 'data_exported' then 1 else 0 end) as data_exports,
        count(distinct person_id) as active_people
    from {{ ref('int_product_events_identified') }}
    where customer_id is not null
    group by customer_id, {{ dbt.date_trunc('day', 'occurred_at') }}

),

tickets as (

    select
        customer_id,
        {{ dbt.date_trunc('day', 'created_at') }} as activity_date,
        count(*) as tickets
    from {{ ref('int_support_tickets_identified') }}
    where customer_id is not null
    group by customer_id, {{ dbt.date_trunc('day', 'created_at') }}

),

emails as (

    select
        customer_id,
        {{ dbt.date_trunc('day', 'occurred_at') }} as activity_date,
        sum(case when metric = 'delivered' then 1 else 0 end) as emails_delivered,
        sum(case when metric = 'opened' then 1 else 0 end) as emails_opened,
        sum(case when metric = 'clicked' then 1 else 0 end) as emails_clicked
    from {{ ref('int_email_events_identified') }}
    where customer_id is not null
    group by customer_id, {{ dbt.date_trunc('day', 'occurred_at') }}

),

days as (

    select customer_id, activity_date from events
    union
    select customer_id, activity_date from tickets
    union
    select customer_id, activity_date from emails

)

select
    days.customer_id,
    days.activity_date,
    coalesce(events.events, 0) as events,
    coalesce(events.sessions, 0) as sessions,
    coalesce(events.reports_created, 0) as reports_created,
    coalesce(events.dashboards_shared, 0) as dashboards_shared,
    coalesce(events.integrations_connected, 0) as integrations_connected,
    coalesce(events.data_exports, 0) as data_exports,
    coalesce(events.active_people, 0) as active_people,
    coalesce(tickets.tickets, 0) as tickets,
    coalesce(emails.emails_delivered, 0) as emails_delivered,
    coalesce(emails.emails_opened, 0) as emails_opened,
    coalesce(emails.emails_clicked, 0) as emails_clicked
from days
left join events
    on events.customer_id = days.customer_id and events.activity_date = days.activity_date
left join tickets
    on tickets.customer_id = days.customer_id and tickets.activity_date = days.activity_date
left join emails
    on emails.customer_id = days.customer_id and emails.activity_date = days.activity_date
