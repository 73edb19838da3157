{{ config(enabled=tool_enabled('customerio')) }}

-- Family contract `email_events`: one row per Customer.io email event, the
-- retried webhook bodies removed.

with source as (

    select * from {{ source('customerio', 'email_events') }}

),

-- The feed is at-least-once: a retried POST repeats the body and its
-- event_id.
latest as (

    {{ latest_per_key(
        'source', 'event_id', '_loaded_at desc, _row_number desc') }}

),

-- `identifiers` is the current payload; `customer_id` and `email_address`
-- are the older payloads' copies of the same person.
renamed as (

    select
        event_id,
        lower(trim(metric)) as metric_native,
        coalesce(identifier_email, email_address, recipient) as email_raw,
        recipient,
        nullif(trim(coalesce(identifier_id, customer_id)), '') as app_user_id,
        nullif(trim(cio_id), '') as profile_id,
        delivery_id,
        campaign_id,
        action_id,
        journey_id,
        newsletter_id,
        broadcast_id,
        transactional_message_id,
        subject,
        href as url,
        link_id,
        failure_message,
        {{ adapter.quote('timestamp') }} as occurred_at,
        _loaded_at
    from latest
    where object_type = 'email'

)

select
    event_id,
    {{ clean_email('email_raw') }} as email,
    email_raw,
    {{ clean_email('recipient') }} as recipient_email,
    -- A workspace that identifies people by address sends the address as the
    -- id, which is no app user id.
    case when app_user_id not like '%@%' then app_user_id end as user_id,
    profile_id,
    -- Webhook bodies carry no campaign names, only ids: the message's ids
    -- stand in for its name, a journey email by its campaign and action (one
    -- email of the journey), a one-off send by its newsletter, broadcast or
    -- transactional message id.
    case
        when campaign_id is not null and action_id is not null
            then {{ dbt.concat(["'campaign:'", 'campaign_id', "':action:'",
                                'action_id']) }}
        when campaign_id is not null
            then {{ dbt.concat(["'campaign:'", 'campaign_id']) }}
        when newsletter_id is not null
            then {{ dbt.concat(["'newsletter:'", 'newsletter_id']) }}
        when broadcast_id is not null
            then {{ dbt.concat(["'broadcast:'", 'broadcast_id']) }}
        when transactional_message_id is not null
            then {{ dbt.concat(["'transactional:'",
                                'transactional_message_id']) }}
    end as campaign_name,
    -- The six contract metrics are Customer.io's own names; the others keep
    -- theirs, a spam complaint (`spammed`) as `spam` like the other tools.
    case metric_native
        when 'spammed' then 'spam'
        else metric_native
    end as metric,
    metric_native,
    delivery_id,
    campaign_id,
    action_id,
    journey_id,
    newsletter_id,
    broadcast_id,
    transactional_message_id,
    subject,
    url,
    link_id,
    failure_message,
    occurred_at,
    _loaded_at
from renamed
