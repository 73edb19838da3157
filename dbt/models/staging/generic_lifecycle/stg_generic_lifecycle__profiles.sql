{{ config(enabled=tool_enabled('generic_lifecycle')) }}

-- Family contract `profiles`: zero rows in the contract's shape. The generic
-- contract has no profile table and no profile id; a profile derived from
-- the events would have no key of its own (identity keys profiles by
-- `profile_id`), and the events' email and user id pairs already reach
-- identity through `int_lifecycle__email_events`.

with email_events as (

    select * from {{ ref('stg_generic_lifecycle__email_events') }}

)

select
    cast(null as {{ dbt.type_string() }}) as profile_id,
    email,
    user_id,
    occurred_at as created_at
from email_events
where 1 = 0
