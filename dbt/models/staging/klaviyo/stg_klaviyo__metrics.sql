{{ config(enabled=tool_enabled('klaviyo')) }}

with source as (

    select * from {{ source('klaviyo', 'metrics') }}

),

-- Every events page repeats the metric resources its events point to.
latest as (

    {{ latest_per_key(
        'source', 'id',
        'coalesce(updated, created) desc, _loaded_at desc, _row_number desc') }}

),

renamed as (

    select
        id as metric_id,
        trim(name) as metric_name,
        integration_name,
        created as created_at,
        updated as updated_at,
        _loaded_at
    from latest

)

select
    metric_id,
    metric_name,
    -- Klaviyo's email metrics in the project's vocabulary. Klaviyo logs no
    -- separate send: `Received Email` is its delivery. Spam complaints and
    -- drops keep a name of their own; any other metric (orders, site
    -- activity, SMS) is not an email event and maps to NULL.
    case metric_name
        when 'Received Email' then 'delivered'
        when 'Opened Email' then 'opened'
        when 'Clicked Email' then 'clicked'
        when 'Bounced Email' then 'bounced'
        when 'Unsubscribed' then 'unsubscribed'
        when 'Unsubscribed from Email Marketing' then 'unsubscribed'
        when 'Marked Email as Spam' then 'spam'
        when 'Dropped Email' then 'dropped'
    end as metric,
    integration_name,
    created_at,
    updated_at,
    _loaded_at
from renamed
