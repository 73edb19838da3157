{{ config(enabled=tool_enabled('hubspot')) }}

with source as (

    select * from {{ source('hubspot', 'deals') }}

),

latest as (

    {{ latest_per_key(
        'source', 'id',
        'coalesce(updated_at, created_at) desc, '
        ~ '_loaded_at desc, _row_number desc') }}

),

-- hs_is_closed_won holds for won stages of any pipeline; `closedlost` is the
-- default pipeline's lost stage (hs_is_closed is not in the raw layer, so a
-- custom pipeline's lost stage reads as open).
staged as (

    select
        *,
        case
            when hs_is_closed_won or dealstage = 'closedwon' then 'won'
            when dealstage = 'closedlost' then 'lost'
            else 'open'
        end as stage
    from latest

)

select
    id as deal_id,
    nullif(trim(company_id), '') as crm_account_id,
    dealname as deal_name,
    -- In the deal's currency, major units (deal_currency_code is not kept).
    cast(amount as {{ dbt.type_numeric() }}) as amount,
    dealstage as stage_native,
    pipeline,
    stage,
    stage = 'won' as is_won,
    stage in ('won', 'lost') as is_closed,
    hs_deal_stage_probability as probability,
    created_at,
    -- closedate on an open deal is only the expected close.
    case when stage in ('won', 'lost') then closedate end as closed_at,
    closedate as close_date,
    coalesce(archived, false) as is_archived,
    updated_at,
    _loaded_at
from staged
