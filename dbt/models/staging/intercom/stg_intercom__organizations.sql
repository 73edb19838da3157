{{ config(enabled=tool_enabled('intercom')) }}

-- Family contract `organizations`, one-to-one with Intercom companies. The
-- organization id is Intercom's own id for the company, which every company
-- has; the company_id the app gave it is its workspace id, the one the product
-- names, so tickets and requesters carry both.

with source as (

    select * from {{ source('intercom', 'companies') }}

),

latest as (

    {{ latest_per_key(
        'source', 'id',
        'coalesce(updated_at, created_at) desc, '
        ~ '_loaded_at desc, _row_number desc') }}

)

select
    id as organization_id,
    nullif(trim(company_id), '') as workspace_id,
    nullif(trim(name), '') as organization_name,
    {{ url_domain('website') }} as domain,
    website,
    industry,
    lower(plan_name) as plan,
    size as employees,
    user_count,
    cast(monthly_spend as {{ dbt.type_numeric() }}) as monthly_spend,
    created_at,
    remote_created_at,
    updated_at,
    last_request_at,
    _loaded_at
from latest
