{{ config(enabled=tool_enabled('linkedin_ads')) }}

with source as (

    select * from {{ source('linkedin_ads', 'campaigns') }}

),

-- The last modification is the campaign's version; nulls sort last on every
-- adapter through the leading flag.
latest as (

    {{ latest_per_key(
        'source', 'id',
        'case when last_modified_at is null then 1 else 0 end, '
        ~ 'last_modified_at desc, _loaded_at desc, _row_number desc') }}

)

select
    id as campaign_id,
    name as campaign_name,
    status as campaign_status,
    {{ dbt.split_part('account', "':'", 4) }} as ad_account_id,
    campaign_group as campaign_group_urn,
    type as campaign_type,
    objective_type,
    cost_type,
    cast(daily_budget_amount as {{ dbt.type_numeric() }}) as daily_budget,
    -- LinkedIn requires a campaign's budget in the ad account's currency.
    upper(daily_budget_currency) as currency,
    run_schedule_start as run_schedule_start_at,
    created_at,
    last_modified_at as updated_at,
    _loaded_at
from latest
