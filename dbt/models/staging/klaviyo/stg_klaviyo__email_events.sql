{{ config(enabled=tool_enabled('klaviyo')) }}

-- Family contract `email_events`: Klaviyo's email metrics, each event with
-- its metric's name and its profile's address and external id. An event
-- names neither: it points to a metric and a profile by id.

with events as (

    select * from {{ ref('stg_klaviyo__events') }}

),

metrics as (

    select * from {{ ref('stg_klaviyo__metrics') }}

),

profiles as (

    select * from {{ ref('stg_klaviyo__profiles') }}

),

email_events as (

    select
        events.event_id,
        -- A profile created after the profiles export was taken is unknown
        -- until the next export: its events keep the profile id only.
        profiles.email,
        profiles.user_id,
        events.profile_id,
        -- A message without a `Campaign Name` is known by its message id.
        coalesce(events.campaign_name, events.message_id) as campaign_name,
        metrics.metric,
        metrics.metric_name as metric_native,
        events.message_id,
        events.flow_id,
        events.is_flow,
        events.subject,
        events.url,
        events.bounce_type,
        events.occurred_at,
        events._loaded_at
    from events
    inner join metrics
        on events.metric_id = metrics.metric_id
    left join profiles
        on events.profile_id = profiles.profile_id
    where metrics.metric is not null

)

select * from email_events
