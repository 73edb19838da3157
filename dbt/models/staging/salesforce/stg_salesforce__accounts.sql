{{ config(enabled=tool_enabled('salesforce')) }}

with source as (

    select * from {{ source('salesforce', 'accounts') }}

),

industry_labels as (

    select * from {{ ref('crm_industry_labels') }}
    where tool = 'salesforce'

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

-- Orgs without state and country picklists have only the free-text name: the
-- names below are the English names of the countries the product sells in.
countries as (

    select
        *,
        coalesce(
            billing_country_code,
            case lower(billing_country)
                when 'united states' then 'US'
                when 'usa' then 'US'
                when 'canada' then 'CA'
                when 'united kingdom' then 'GB'
                when 'uk' then 'GB'
                when 'germany' then 'DE'
                when 'france' then 'FR'
                when 'netherlands' then 'NL'
                when 'australia' then 'AU'
                when 'singapore' then 'SG'
                when 'india' then 'IN'
                when 'brazil' then 'BR'
                when 'mexico' then 'MX'
            end
        ) as country
    from renamed

),

labelled as (

    select
        countries.*,
        industry_labels.industry
    from countries
    left join industry_labels
        on countries.industry_native = industry_labels.native_value

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
