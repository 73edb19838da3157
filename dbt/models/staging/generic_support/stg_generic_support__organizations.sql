{{ config(enabled=tool_enabled('generic_support')) }}

-- Family contract `organizations`: the contract has no organization table, so
-- one row per ticket `account_id` is derived, first seen on its first ticket.
-- The contract carries no organization name or domain.

with tickets as (

    select * from {{ ref('stg_generic_support__tickets') }}

),

organizations as (

    select
        organization_id,
        min(created_at) as created_at
    from tickets
    where organization_id is not null
    group by organization_id

)

select
    organization_id,
    cast(null as {{ dbt.type_string() }}) as organization_name,
    cast(null as {{ dbt.type_string() }}) as domain,
    organization_id as workspace_id,
    created_at
from organizations
