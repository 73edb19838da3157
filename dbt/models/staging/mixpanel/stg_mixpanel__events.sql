{{ config(enabled=tool_enabled('mixpanel')) }}

-- Family contract `events`: one row per Mixpanel event, re-deliveries removed,
-- with the project's event names.

{#- A project created before 2023-01-01 exports `time` in project time: set
    the var to its UTC offset in minutes (-480 for US Pacific) and staging
    shifts it to UTC. A fixed offset: daylight saving is not modelled. -#}
{%- set utc_offset_minutes = var('mixpanel_utc_offset_minutes', 0) | int %}

with source as (

    select * from {{ source('mixpanel', 'events') }}

),

renamed as (

    select
        insert_id as event_id,
        event as event_name_native,
        {% if utc_offset_minutes != 0 -%}
        {{ dbt.dateadd('minute', -utc_offset_minutes, 'time') }} as occurred_at,
        {%- else -%}
        time as occurred_at,
        {%- endif %}
        distinct_id,
        nullif(trim(user_id), '') as user_id,
        -- Simplified ID Merge: anonymous events have no $user_id and a
        -- distinct_id of `$device:<device id>`.
        coalesce(
            nullif(trim(device_id), ''),
            case
                when distinct_id like '$device:%'
                    then {{ dbt.replace('distinct_id', "'$device:'", "''") }}
            end
        ) as anonymous_id,
        {{ clean_email('email') }} as email,
        email as email_raw,
        nullif(trim(workspace_id), '') as workspace_id,
        nullif(trim(utm_source), '') as utm_source,
        nullif(trim(utm_medium), '') as utm_medium,
        nullif(trim(utm_campaign), '') as utm_campaign,
        nullif(trim(gclid), '') as gclid,
        nullif(trim(fbclid), '') as fbclid,
        nullif(trim(li_fat_id), '') as li_fat_id,
        -- The JS SDK writes `$direct` when the browser gave no referrer.
        case
            when trim(referrer) not in ('', '$direct') then trim(referrer)
        end as referrer,
        current_url,
        browser,
        os,
        country_code,
        mp_processing_time_ms as processed_at,
        _loaded_at,
        _row_number
    from source

),

-- The export is at-least-once: a re-delivered event repeats its $insert_id
-- with a later mp_processing_time_ms. Mixpanel shows the latest ingested copy.
-- Deduplicated after the renaming, so the window does not carry the JSON.
latest as (

    {{ latest_per_key(
        'renamed', 'event_id',
        'processed_at desc, _loaded_at desc, _row_number desc') }}

),

named as (

    {{ with_event_name('latest', 'mixpanel') }}

)

select
    event_id,
    event_name,
    event_name_native,
    occurred_at,
    user_id,
    anonymous_id,
    distinct_id,
    distinct_id as tool_user_id,
    email,
    email_raw,
    workspace_id,
    utm_source,
    utm_medium,
    utm_campaign,
    {{ click_id_columns() }},
    referrer,
    {{ url_domain('referrer') }} as referrer_domain,
    current_url,
    browser,
    os,
    country_code,
    processed_at,
    _loaded_at
from named
