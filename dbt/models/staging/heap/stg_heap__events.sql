{{ config(enabled=tool_enabled('heap')) }}

-- Family contract `events`: one row per Heap event of the sessions, pageviews
-- and tracked event tables, in the app's identity. S3 syncs do not resolve
-- identity: an event keeps the Heap user (cookie) it was recorded under, which
-- `user_migrations` may have moved into an identified user since.

{#- The ad click ids a landing URL's query string can carry. -#}
{%- set click_params = ['gclid', 'fbclid', 'li_fat_id'] %}

with sessions as (

    select * from {{ ref('stg_heap__sessions') }}

),

pageviews as (

    select * from {{ ref('stg_heap__pageviews') }}

),

event_records as (

    select * from {{ ref('stg_heap__event_records') }}

),

user_migrations as (

    select * from {{ ref('stg_heap__user_migrations') }}

),

users as (

    select * from {{ ref('stg_heap__users') }}

),

-- Heap's own tables are named events: a session is `session_started`. A
-- session has no event id, so its id is the session id in a namespace of its
-- own. UTMs and referrer are the session's; `page_query` is the query string
-- of the event's own page (the landing page's, for a session).
unioned as (

    select
        {{ dbt.concat(["'session:'", 'session_id']) }} as event_id,
        'sessions' as event_name_native,
        started_at as occurred_at,
        heap_user_id,
        session_id,
        cast(null as {{ dbt.type_string() }}) as email,
        workspace_id,
        utm_source,
        utm_medium,
        utm_campaign,
        referrer,
        landing_page_query as page_query,
        {%- for param in click_params %}
        cast(null as {{ dbt.type_string() }}) as {{ param }},
        {%- endfor %}
        _loaded_at
    from sessions

    union all

    select
        event_id,
        'pageviews' as event_name_native,
        occurred_at,
        heap_user_id,
        session_id,
        cast(null as {{ dbt.type_string() }}) as email,
        workspace_id,
        utm_source,
        utm_medium,
        utm_campaign,
        referrer,
        query as page_query,
        {%- for param in click_params %}
        cast(null as {{ dbt.type_string() }}) as {{ param }},
        {%- endfor %}
        _loaded_at
    from pageviews

    union all

    select
        event_id,
        event_table_name as event_name_native,
        occurred_at,
        heap_user_id,
        session_id,
        email,
        workspace_id,
        utm_source,
        utm_medium,
        utm_campaign,
        referrer,
        query as page_query,
        {%- for param in click_params %}
        {{ param }},
        {%- endfor %}
        _loaded_at
    from event_records

),

-- The sign-up's custom properties first, else the page URL's parameter.
clicks as (

    select
        event_id,
        event_name_native,
        occurred_at,
        heap_user_id,
        session_id,
        email,
        workspace_id,
        utm_source,
        utm_medium,
        utm_campaign,
        referrer,
        {%- for param in click_params %}
        coalesce(
            {{ param }},
            nullif({{ dbt.split_part(
                dbt.split_part(
                    dbt.replace('page_query', "'?'", "'&'"),
                    "'&" ~ param ~ "='", 2),
                "'&'", 1) }}, '')
        ) as {{ param }},
        {%- endfor %}
        _loaded_at
    from unioned

),

-- An event's identified user is its Heap user, or the user it migrated into.
identified as (

    select
        clicks.*,
        coalesce(
            user_migrations.to_heap_user_id, clicks.heap_user_id
        ) as identified_heap_user_id
    from clicks
    left join user_migrations
        on clicks.heap_user_id = user_migrations.from_heap_user_id

),

joined as (

    select
        identified.*,
        users.user_id
    from identified
    left join users
        on identified.identified_heap_user_id = users.heap_user_id

),

named as (

    {{ with_event_name('joined', 'heap') }}

)

select
    event_id,
    event_name,
    event_name_native,
    occurred_at,
    -- The app's user id of the identified Heap user, on every event of its
    -- history (Heap is retroactive), NULL for users never identified.
    user_id,
    -- The Heap user the event was recorded under: the cookie's, before any
    -- identify or migration.
    heap_user_id as anonymous_id,
    heap_user_id,
    identified_heap_user_id,
    identified_heap_user_id as tool_user_id,
    session_id,
    email,
    workspace_id,
    utm_source,
    utm_medium,
    utm_campaign,
    {{ click_id_columns() }},
    referrer,
    {{ url_domain('referrer') }} as referrer_domain,
    _loaded_at
from named
