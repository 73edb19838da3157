{{ config(enabled=tool_enabled('amplitude')) }}

-- Family contract `profiles`: one row per identified Amplitude user, derived
-- from its events. The Export API has no user table and the raw layer loads
-- none; what a profile adds to the events is Amplitude's own user id,
-- `amplitude_id` (the anonymous device's id, which the user inherits when a
-- signup merges them), recorded here as the profile's anonymous id beside the
-- app's user id.

with events as (

    select * from {{ ref('stg_amplitude__events') }}

),

identified_events as (

    select * from events
    where user_id is not null

),

-- Amplitude gives a user id one amplitude_id. The email and workspace are
-- user properties: any of the user's values (each event carries its own).
users as (

    select
        amplitude_id,
        max(user_id) as user_id,
        max(email) as email,
        max(workspace_id) as workspace_id,
        min(occurred_at) as created_at
    from identified_events
    group by amplitude_id

)

select
    amplitude_id as profile_key,
    user_id,
    amplitude_id as anonymous_id,
    amplitude_id,
    email,
    workspace_id,
    created_at
from users
