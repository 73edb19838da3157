{{ config(enabled=tool_enabled('hubspot')) }}

with source as (

    select * from {{ source('hubspot', 'companies') }}

),

latest as (

    {{ latest_per_key(
        'source', 'id',
        'coalesce(updated_at, created_at) desc, '
        ~ '_loaded_at desc, _row_number desc') }}

),

renamed as (

    select
        id as crm_account_id,
        name as account_name,
        -- HubSpot's company key is already a bare domain; the macro only
        -- guards against a pasted URL or upper case.
        {{ url_domain('domain') }} as domain,
        upper(nullif(trim(industry), '')) as industry_native,
        nullif(trim(country), '') as country_native,
        numberofemployees as employees,
        lower(nullif(trim(lifecyclestage), '')) as lifecycle_stage_native,
        coalesce(archived, false) as is_archived,
        created_at,
        updated_at,
        _loaded_at
    from latest

),

-- A portal with a country dropdown stores the ISO code; one filled by
-- enrichment stores English names.
countries as (

    {{ with_country_code('renamed', 'country_native') }}

),

labelled as (

    {{ with_industry_label('countries', 'hubspot') }}

)

select
    crm_account_id,
    account_name,
    domain,
    industry,
    industry_native,
    country,
    country_native,
    employees,
    lifecycle_stage_native,
    is_archived,
    created_at,
    updated_at,
    _loaded_at
from labelled
