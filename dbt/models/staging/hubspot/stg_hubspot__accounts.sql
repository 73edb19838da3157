{{ config(enabled=tool_enabled('hubspot')) }}

with source as (

    select * from {{ source('hubspot', 'companies') }}

),

industry_labels as (

    select * from {{ ref('crm_industry_labels') }}
    where tool = 'hubspot'

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
-- enrichment stores English names, mapped here for the countries the product
-- sells in.
countries as (

    select
        *,
        case
            when length(country_native) = 2 then upper(country_native)
            else case lower(country_native)
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
        end as country
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
