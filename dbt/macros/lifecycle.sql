{#- Profiles for lifecycle tools whose only export is an event feed (Customer.io, Braze):
    one row per tool person id seen in the events, with the latest address and app user id
    the events carried; `created_at` is the first event, since such feeds carry no creation
    time. Events without a person id make no profile. -#}
{% macro profiles_from_email_events(events) %}

with email_events as (

    select * from {{ events }}

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

{% endmacro %}
