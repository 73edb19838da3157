{{ config(enabled=tool_enabled('stripe')) }}

with source as (

    select * from {{ source('stripe', 'subscriptions') }}

),

latest as (

    {{ latest_per_key('source', 'id', '_loaded_at desc, _row_number desc') }}

),

renamed as (

    select
        id as subscription_id,
        customer as customer_id,
        status,
        lower(plan) as plan,
        quantity,
        cast(unit_amount as {{ dbt.type_numeric() }}) / 100 as unit_amount,
        upper(currency) as currency,
        interval as billing_interval,
        coalesce(interval_count, 1) as interval_count,
        start_date as started_at,
        trial_end as trial_end_at,
        canceled_at,
        ended_at,
        cancel_at_period_end,
        coalesce(item_current_period_start, current_period_start) as current_period_start,
        coalesce(item_current_period_end, current_period_end) as current_period_end,
        _loaded_at
    from latest

)

select
    *,
    -- Monthly recurring revenue of the first item, in major units: yearly prices count a
    -- twelfth. Only the first item is flattened in the raw layer (see the raw asset).
    quantity * unit_amount / (
        case billing_interval when 'year' then 12 * interval_count else interval_count end
    ) as mrr
from renamed
