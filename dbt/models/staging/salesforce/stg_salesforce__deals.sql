{{ config(enabled=tool_enabled('salesforce')) }}

with source as (

    select * from {{ source('salesforce', 'opportunities') }}

),

latest as (

    {{ latest_per_key(
        'source', 'id',
        'coalesce(last_modified_date, created_date) desc, '
        ~ '_loaded_at desc, _row_number desc') }}

),

-- IsWon and IsClosed come from the stage's picklist settings, so they hold for
-- custom stage names too; the standard names are the fallback.
staged as (

    select
        *,
        case
            when is_won then 'won'
            when is_closed then 'lost'
            when is_won is null and stage_name = 'Closed Won' then 'won'
            when is_closed is null and stage_name = 'Closed Lost' then 'lost'
            else 'open'
        end as stage
    from latest

)

select
    id as deal_id,
    nullif(trim(account_id), '') as crm_account_id,
    name as deal_name,
    type as deal_type,
    -- In the org's single currency (multi-currency orgs are not supported).
    cast(amount as {{ dbt.type_numeric() }}) as amount,
    stage_name as stage_native,
    stage,
    stage = 'won' as is_won,
    stage in ('won', 'lost') as is_closed,
    cast(probability as {{ dbt.type_numeric() }}) / 100 as probability,
    created_date as created_at,
    -- CloseDate is a date; on an open opportunity it is only the expected one.
    case
        when stage in ('won', 'lost')
            then cast(close_date as {{ dbt.type_timestamp() }})
    end as closed_at,
    close_date,
    last_modified_date as updated_at,
    _loaded_at
from staged
