{{ config(enabled=tool_enabled('customerio')) }}

-- Family contract `profiles`: one row per Customer.io person (cio_id) seen
-- in the email events, since the webhook feed is the only Customer.io export.
-- A person's address and user id are the latest the events carried;
-- `created_at` is the first event, not Customer.io's creation time, which the
-- feed does not carry. Events without a cio_id (older payloads) make no
-- profile; their address and user id still reach identity resolution through
-- the events.

with email_events as (

    select * from {{ ref('stg_customerio__email_events') }}

),

combinations as (

    select
        profile_id,
        email,
        user_id,
        min(occurred_at) as first_seen_at,
        max(occurred_at) as last_seen_at
    from email_events
    where profile_id is not null
    group by profile_id, email, user_id

),

combinations_with_email as (

    select * from combinations where email is not null

),

combinations_with_user_id as (

    select * from combinations where user_id is not null

),

latest_email as (

    {{ latest_per_key(
        'combinations_with_email', 'profile_id',
        'last_seen_at desc, email desc') }}

),

latest_user_id as (

    {{ latest_per_key(
        'combinations_with_user_id', 'profile_id',
        'last_seen_at desc, user_id desc') }}

),

profiles as (

    select
        profile_id,
        min(first_seen_at) as created_at,
        max(last_seen_at) as last_seen_at,
        count(*) as identifier_combinations
    from combinations
    group by profile_id

)

select
    profiles.profile_id,
    latest_email.email,
    latest_user_id.user_id,
    profiles.created_at,
    profiles.last_seen_at,
    profiles.identifier_combinations
from profiles
left join latest_email
    on profiles.profile_id = latest_email.profile_id
left join latest_user_id
    on profiles.profile_id = latest_user_id.profile_id
