{{ config(enabled=tool_enabled('generic_product')) }}

-- Family contract `profiles`: the contract has no profile table, so one
-- profile per identified user is derived from the events: the user id, the
-- email and workspace it was seen with (only where there was exactly one),
-- and when it was first seen.

with events as (

    select * from {{ ref('stg_generic_product__events') }}

),

identified as (

    select * from events
    where user_id is not null

),

profiles as (

    select
        user_id,
        count(distinct email) as emails,
        max(email) as email,
        count(distinct workspace_id) as workspaces,
        max(workspace_id) as workspace_id,
        min(occurred_at) as created_at
    from identified
    group by user_id

)

select
    user_id as profile_key,
    user_id,
    -- Anonymous ids are linked event by event in the events model.
    cast(null as {{ dbt.type_string() }}) as anonymous_id,
    case when emails = 1 then email end as email,
    case when workspaces = 1 then workspace_id end as workspace_id,
    created_at
from profiles
