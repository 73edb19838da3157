{{ config(enabled=tool_enabled('klaviyo')) }}

with source as (

    select * from {{ source('klaviyo', 'events') }}

),

-- An event never changes; a page loaded twice repeats it.
latest as (

    {{ latest_per_key('source', 'id', '_loaded_at desc, _row_number desc') }}

)

select
    id as event_id,
    uuid as event_uuid,
    metric_id,
    profile_id,
    nullif(trim(campaign_name), '') as campaign_name,
    subject,
    message_id,
    flow_id,
    flow_id is not null as is_flow,
    url,
    bounce_type,
    -- `timestamp` (Unix seconds) is required; `datetime` is the same instant.
    {{ adapter.quote('timestamp') }} as occurred_at,
    _loaded_at
from latest
