{{ config(enabled=tool_enabled('generic_billing')) }}

-- One row per subscription of the generic `subscriptions` table, the latest
-- version loaded, with its monthly recurring revenue.

with source as (

    select * from {{ source('generic_billing', 'subscriptions') }}

),

latest as (

    {{ latest_per_key(
        'source', 'subscription_id', '_loaded_at desc, _row_number desc') }}

),

renamed as (

    select
        trim(subscription_id) as subscription_id,
        trim(customer_id) as customer_id,
        lower(nullif(trim(plan), '')) as plan,
        lower(trim(status)) as status,
        -- Missing quantity means 1, missing interval means month.
        coalesce(cast(quantity as {{ dbt.type_bigint() }}), 1) as quantity,
        cast(unit_amount as {{ dbt.type_numeric() }}) as unit_amount,
        upper(nullif(trim(currency), '')) as currency,
        coalesce(
            lower(nullif(trim({{ adapter.quote('interval') }}), '')), 'month'
        ) as billing_interval,
        started_at,
        trial_end as trial_end_at,
        canceled_at,
        ended_at,
        _loaded_at
    from latest

)

select
    *,
    -- Monthly recurring revenue in major units: a yearly price counts a
    -- twelfth, a weekly one 52/12 times; an unknown interval gives NULL.
    quantity * unit_amount * (
        case billing_interval
            when 'month' then 1.0
            when 'year' then 1.0 / 12
            when 'week' then 52.0 / 12
            when 'day' then 365.0 / 12
        end
    ) as mrr
from renamed
