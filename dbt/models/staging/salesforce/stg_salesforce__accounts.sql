{{ config(enabled=tool_enabled('salesforce')) }}

with source as (

    select * from {{ source('salesforce', 'accounts') }}

),

-- An account never modified has its creation as its last modification.
latest as (

    {{ latest_per_key(
        'source', 'id',
        'coalesce(last_modified_date, created_date) desc, '
        ~ '_loaded_at desc, _row_number desc') }}

),

renamed as (

    select
        id as crm_account_id,
        name as account_name,
        website,
        {{ url_domain('website') }} as domain,
        nullif(trim(industry), '') as industry_native,
        type as account_type,
        upper(nullif(trim(billing_country_code), '')) as billing_country_code,
        nullif(trim(billing_country), '') as billing_country,
        number_of_employees as employees,
        created_date as created_at,
        last_modified_date as updated_at,
        _loaded_at
    from latest

),

-- Orgs without state and country picklists have only the free-text name.
countries as (

    {{ with_country_code('renamed', 'coalesce(billing_country_code, billing_country)') }}

),

labelled as (

    {{ with_industry_label('countries', 'salesforce') }}

)

select
    crm_account_id,
    account_name,
    website,
    domain,
    industry,
    industry_native,
    account_type,
    country,
    billing_country,
    employees,
    created_at,
    updated_at,
    _loaded_at
from labelled
