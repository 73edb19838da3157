-- Grain: one person (a resolved identity), with their account and their own activity.
with identity as (

    select * from {{ source('identity', 'identity_map') }}

),

events as (

    select * from {{ ref('int_product_events_identified') }}

),

tickets as (

    select * from {{ ref('int_support_tickets_identified') }}

),

emails as (

    select * from {{ ref('int_email_events_identified') }}

),

surveys as (

    select * from {{ ref('int_survey_responses_identified') }}

),

billing_contacts as (

    select distinct person_id
    from {{ source('identity', 'identity_map') }} as m
    inner join {{ ref('int_billing__customers') }} as c
        on m.source = c.source
        and ((m.kind = 'email' and m.value = c.email)
            or (m.kind = 'user_id' and m.value = c.user_id))
    where m.person_id is not null

),

as_of as (

    select as_of_at from {{ ref('int_data_as_of') }}

),

people as (

    select
        person_id,
        min(customer_id) as customer_id,
        count(*) as identifiers,
        count(distinct source) as sources_known,
        min(case when kind = 'user_id' then value end) as user_id
    from identity
    where person_id is not null
    group by person_id

),

ranked_emails as (

    select
        person_id,
        value as email,
        row_number() over (
            partition by person_id order by count(*) desc, value
        ) as email_rank
    from identity
    where person_id is not null and kind = 'email'
    group by person_id, value

),

usage as (

    select
        events.person_id,
        min(case when events.event_name = 'signed_up' then events.occurred_at end)
            as signed_up_at,
        min(events.occurred_at) as first_seen_at,
        max(events.occurred_at) as last_seen_at,
        count(*) as events_total,
        sum(case when events.occurred_at >= {{ dbt.dateadd('day', -30, 'as_of.as_of_at') }}
            then 1 else 0 end) as events_30d,
        sum(case when events.event_name = 'session_started' then 1 else 0 end)
            as sessions_total,
        count(distinct case
            when events.event_name not in
                ('signed_up', 'session_started', 'page_viewed', 'teammate_invited')
            then events.event_name end) as features_used,
        sum(case when events.event_name = 'teammate_invited' then 1 else 0 end)
            as invites_sent
    from events
    cross join as_of
    where events.person_id is not null
    group by events.person_id

),

support as (

    select
        tickets.person_id,
        count(*) as tickets_total,
        sum(case when tickets.created_at >= {{ dbt.dateadd('day', -90, 'as_of.as_of_at') }}
            then 1 else 0 end) as tickets_90d,
        max(tickets.created_at) as last_ticket_at
    from tickets
    cross join as_of
    where tickets.person_id is not null
    group by tickets.person_id

),

engagement as (

    select
        person_id,
        sum(case when metric = 'delivered' then 1 else 0 end) as emails_delivered,
        sum(case when metric = 'opened' then 1 else 0 end) as emails_opened,
        sum(case when metric = 'clicked' then 1 else 0 end) as emails_clicked,
        max(case when metric = 'unsubscribed' then 1 else 0 end) = 1 as is_unsubscribed
    from emails
    where person_id is not null
    group by person_id

),

latest_survey as (

    select
        person_id,
        score as latest_survey_score,
        responded_at as latest_survey_at,
        row_number() over (partition by person_id order by responded_at desc) as answer_rank
    from surveys
    where person_id is not null

),

account_order as (

    select
        person_id,
        row_number() over (
            partition by customer_id order by signed_up_at, first_seen_at, person_id
        ) as join_order
    from (
        select p.person_id, p.customer_id, u.signed_up_at, u.first_seen_at
        from people as p
        left join usage as u on u.person_id = p.person_id
    ) as joined

)

select
    people.person_id,
    people.customer_id,
    ranked_emails.email,
    people.user_id,
    people.identifiers,
    people.sources_known,
    account_order.join_order = 1 as is_account_creator,
    billing_contacts.person_id is not null as is_billing_contact,
    usage.signed_up_at,
    usage.first_seen_at,
    usage.last_seen_at,
    coalesce(usage.events_total, 0) as events_total,
    coalesce(usage.events_30d, 0) as events_30d,
    coalesce(usage.sessions_total, 0) as sessions_total,
    coalesce(usage.features_used, 0) as features_used,
    coalesce(usage.invites_sent, 0) as invites_sent,
    coalesce(support.tickets_total, 0) as tickets_total,
    coalesce(support.tickets_90d, 0) as tickets_90d,
    support.last_ticket_at,
    coalesce(engagement.emails_delivered, 0) as emails_delivered,
    coalesce(engagement.emails_opened, 0) as emails_opened,
    coalesce(engagement.emails_clicked, 0) as emails_clicked,
    case when engagement.emails_delivered > 0
        then 1.0 * engagement.emails_opened / engagement.emails_delivered end as email_open_rate,
    coalesce(engagement.is_unsubscribed, false) as is_unsubscribed,
    latest_survey.latest_survey_score,
    latest_survey.latest_survey_at
from people
left join ranked_emails
    on ranked_emails.person_id = people.person_id and ranked_emails.email_rank = 1
left join account_order on account_order.person_id = people.person_id
left join billing_contacts on billing_contacts.person_id = people.person_id
left join usage on usage.person_id = people.person_id
left join support on support.person_id = people.person_id
left join engagement on engagement.person_id = people.person_id
left join latest_survey
    on latest_survey.person_id = people.person_id and latest_survey.answer_rank = 1
