{{ config(enabled=tool_enabled('generic_crm')) }}

-- Family contract `accounts`: one row per CRM account (company), the latest
-- version loaded.

with source as (

    select * from {{ source('generic_crm', 'accounts') }}

),

latest as (

    {{ latest_per_key(
        'source', 'account_id', '_loaded_at desc, _row_number desc') }}

),

renamed as (

    select
        trim(account_id) as crm_account_id,
        nullif(trim(name), '') as account_name,
        {{ url_domain('domain') }} as domain,
        nullif(trim(industry), '') as industry_native,
        upper(nullif(trim(country), '')) as country,
        cast(employees as {{ dbt.type_bigint() }}) as employees,
        created_at,
        _loaded_at
    from latest

),

-- Industry as the CRM names it: mapped by the seed's `generic_crm` rows where
-- a company adds them, else kept as written (the project's labels pass).
labelled as (

    {{ with_industry_label('renamed', 'generic_crm', keep_unmapped=true) }}

)

select
    crm_account_id,
    account_name,
    domain,
    industry,
    industry_native,
    country,
    employees,
    created_at,
    _loaded_at
from labelled
