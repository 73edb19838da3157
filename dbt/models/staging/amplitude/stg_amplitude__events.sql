{{ config(enabled=tool_enabled('amplitude')) }}

-- Family contract `events`: one row per Amplitude event, with the project's
-- event names.

{#- Landing-URL parameters the SDK's web attribution copies into user
    properties. -#}
{%- set attribution = ['utm_source', 'utm_medium', 'utm_campaign', 'gclid',
                       'fbclid', 'li_fat_id'] %}

with source as (

    select * from {{ source('amplitude', 'events') }}

),

renamed as (

    select
        coalesce(nullif(trim(insert_id), ''), uuid) as event_id,
        uuid as amplitude_event_uuid,
        event_type as event_name_native,
        event_time as occurred_at,
        nullif(trim(user_id), '') as user_id,
        nullif(trim(device_id), '') as anonymous_id,
        amplitude_id,
        case when session_id > 0 then session_id end as session_id,
        -- The user-property snapshot: the email from the signup on.
        {{ clean_email('email') }} as email,
        email as email_raw,
        nullif(trim(workspace_id), '') as workspace_id,
        -- User properties keep the latest landing attribution on every later
        -- event; an event carries a value only where its own page URL had the
        -- parameter (the user property holds it URL-decoded).
        {%- for name in attribution %}
        case
            when page_location like '%{{ name }}=%'
                then nullif(trim({{ name }}), '')
        end as {{ name }},
        {%- endfor %}
        nullif(trim(referrer), '') as referrer,
        page_location,
        page_path,
        platform,
        os_name,
        device_family,
        country,
        server_upload_time as uploaded_at,
        _loaded_at,
        _row_number
    from source

),

-- A re-exported archive repeats its events: keep one per client dedupe id
-- ($insert_id, else Amplitude's uuid). Deduplicated after the renaming, so
-- the window does not carry the JSON columns.
latest as (

    {{ latest_per_key(
        'renamed', 'event_id', '_loaded_at desc, _row_number desc') }}

),

named as (

    {{ with_event_name('latest', 'amplitude') }}

)

select
    event_id,
    amplitude_event_uuid,
    event_name,
    event_name_native,
    occurred_at,
    user_id,
    anonymous_id,
    amplitude_id,
    cast(amplitude_id as {{ dbt.type_string() }}) as tool_user_id,
    session_id,
    email,
    email_raw,
    workspace_id,
    utm_source,
    utm_medium,
    utm_campaign,
    {{ click_id_columns() }},
    referrer,
    {{ url_domain('referrer') }} as referrer_domain,
    page_location,
    page_path,
    platform,
    os_name,
    device_family,
    country,
    uploaded_at,
    _loaded_at
from named
