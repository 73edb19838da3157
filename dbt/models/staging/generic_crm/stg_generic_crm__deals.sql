{{ config(enabled=tool_enabled('generic_crm')) }}

-- Family contract `deals`: one row per CRM deal, open and closed, the latest
-- version loaded.

with source as (

    select * from {{ source('generic_crm', 'deals') }}

),

latest as (

    {{ latest_per_key(
        'source', 'deal_id', '_loaded_at desc, _row_number desc') }}

),

renamed as (

    select
        trim(deal_id) as deal_id,
        nullif(trim(account_id), '') as crm_account_id,
        nullif(trim(contact_id), '') as contact_id,
        nullif(trim(name), '') as deal_name,
        cast(amount as {{ dbt.type_numeric() }}) as amount,
        upper(nullif(trim(currency), '')) as currency,
        nullif(trim(stage), '') as stage_native,
        coalesce(is_won, false) as is_won,
        -- A won deal or one with a close time is closed whatever the flag.
        coalesce(is_closed, false) or coalesce(is_won, false)
            or closed_at is not null as is_closed,
        created_at,
        closed_at,
        _loaded_at
    from latest

)

select
    deal_id,
    crm_account_id,
    contact_id,
    deal_name,
    amount,
    currency,
    -- The project's stages: won, lost or open.
    case
        when is_won then 'won'
        when is_closed then 'lost'
        else 'open'
    end as stage,
    stage_native,
    is_won,
    is_closed,
    created_at,
    closed_at,
    _loaded_at
from renamed
