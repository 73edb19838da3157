{{ config(enabled=tool_enabled('zendesk')) }}

-- Family contract `organizations`, one-to-one with Zendesk organizations.

with source as (

    select * from {{ source('zendesk', 'organizations') }}

),

latest as (

    {{ latest_per_key(
        'source', 'id',
        'coalesce(updated_at, created_at) desc, '
        ~ '_loaded_at desc, _row_number desc') }}

)

select
    id as organization_id,
    nullif(trim(name), '') as organization_name,
    -- The first mapped email domain (the raw layer keeps only it as a column);
    -- url_domain also lower-cases it and strips a stray scheme or www.
    {{ url_domain('domain') }} as domain,
    -- Where an admin synced the organization from the app, its external id
    -- is the workspace id. The family contract has no column for it.
    nullif(trim(external_id), '') as workspace_id,
    group_id,
    coalesce(shared_tickets, false) as has_shared_tickets,
    created_at,
    updated_at,
    _loaded_at
from latest
