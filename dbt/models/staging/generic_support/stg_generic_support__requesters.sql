{{ config(enabled=tool_enabled('generic_support')) }}

-- Family contract `requesters`: the contract has no requester table, so one
-- row per requester id is derived from the tickets. An email, user or account
-- is kept only where the requester's tickets agree on exactly one: a shared
-- address (support@) asks for several users, and no link is claimed then.

with tickets as (

    select * from {{ ref('stg_generic_support__tickets') }}

),

requesters as (

    select
        requester_id,
        count(distinct requester_email) as emails,
        max(requester_email) as email,
        count(distinct user_id) as users,
        max(user_id) as user_id,
        count(distinct organization_id) as organizations,
        max(organization_id) as organization_id,
        min(created_at) as created_at
    from tickets
    where requester_id is not null
    group by requester_id

)

select
    requester_id,
    case when emails = 1 then email end as email,
    case when users = 1 then user_id end as user_id,
    case when organizations = 1 then organization_id end as organization_id,
    case when organizations = 1 then organization_id end as workspace_id,
    created_at
from requesters
