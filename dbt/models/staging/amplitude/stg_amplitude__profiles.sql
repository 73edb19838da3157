{{ config(enabled=tool_enabled('amplitude')) }}

-- Family contract `profiles`: empty. The Export API has no user table and the
-- raw layer loads none; user properties travel on each event, and the events
-- carry every link a profile would (user_id, device_id and Amplitude's own
-- amplitude_id as `tool_user_id`). This selects zero rows in the contract's
-- shape.

with events as (

    select * from {{ ref('stg_amplitude__events') }}

)

select
    tool_user_id as profile_key,
    user_id,
    anonymous_id,
    email,
    workspace_id,
    occurred_at as created_at
from events
where 1 = 0
