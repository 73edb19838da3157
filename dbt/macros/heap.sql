{#- The session-level columns Heap Connect repeats on every event, page view and session
    row: device and location, referrer, landing page and UTMs, and the app's workspace. -#}
{% macro heap_session_columns() -%}
    platform,
    device_type,
    country,
    browser,
    nullif(trim(referrer), '') as referrer,
    landing_page,
    nullif(trim(landing_page_query), '') as landing_page_query,
    nullif(trim(utm_source), '') as utm_source,
    nullif(trim(utm_medium), '') as utm_medium,
    nullif(trim(utm_campaign), '') as utm_campaign,
    nullif(trim(workspace_id), '') as workspace_id
{%- endmacro %}
