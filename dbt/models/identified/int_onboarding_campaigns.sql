-- Grain: one lifecycle campaign that behaves like onboarding: nine in ten of its sends
-- reach people within 14 days of their signup. Broadcasts such as newsletters reach people
-- at every age and do not qualify; the test needs no campaign naming convention.
-- Cost: every build rereads every send ever made and scans all product events for
-- signups, so it grows with the whole history rather than with new data; at a million
-- customers that is the largest join of the identified layer. A campaign's class is
-- settled after its first few hundred sends, so an incremental build (new sends only,
-- per-campaign counts kept) would give the same answer at a fraction of the cost.
with signups as (

    select person_id, min(occurred_at) as signed_up_at
    from {{ ref('int_product_events_identified') }}
    where event_name = 'signed_up' and person_id is not null
    group by person_id

),

sends as (

    select
        emails.source,
        emails.campaign_name,
        {{ dbt.datediff('signups.signed_up_at', 'emails.occurred_at', 'day') }}
            as days_after_signup
    from {{ ref('int_email_events_identified') }} as emails
    inner join signups on signups.person_id = emails.person_id
    where emails.metric in ('sent', 'delivered')
        and emails.campaign_name is not null

),

per_campaign as (

    select
        source,
        campaign_name,
        count(*) as sends,
        avg(case when days_after_signup between 0 and 14 then 1.0 else 0.0 end)
            as share_within_14_days
    from sends
    group by source, campaign_name

)

select source, campaign_name, sends, share_within_14_days
from per_campaign
where share_within_14_days >= 0.9 and sends >= 20
