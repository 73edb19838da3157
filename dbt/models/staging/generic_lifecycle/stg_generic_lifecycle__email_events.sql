{{ config(enabled=tool_enabled('generic_lifecycle')) }}

-- Family contract `email_events`: one row per lifecycle email event, repeated
-- event ids removed, metrics in the project's vocabulary.

with source as (

    select * from {{ source('generic_lifecycle', 'email_events') }}

),

renamed as (

    select
        trim(event_id) as event_id,
        nullif(trim(message_id), '') as message_id,
        {{ clean_email('email') }} as email,
        email as email_raw,
        nullif(trim(user_id), '') as user_id,
        nullif(trim(campaign), '') as campaign_name,
        lower(nullif(trim(metric), '')) as metric_native,
        {{ adapter.quote('timestamp') }} as occurred_at,
        _loaded_at,
        _row_number
    from source

),

latest as (

    {{ latest_per_key(
        'renamed', 'event_id', '_loaded_at desc, _row_number desc') }}

)

select
    event_id,
    message_id,
    email,
    email_raw,
    user_id,
    -- The contract has no profile id of the email tool.
    cast(null as {{ dbt.type_string() }}) as profile_id,
    campaign_name,
    -- The contract's metrics, with their common singular forms; anything
    -- else is NULL (kept in `metric_native`).
    case
        when metric_native in ('sent', 'send') then 'sent'
        when metric_native in ('delivered', 'delivery') then 'delivered'
        when metric_native in ('opened', 'open') then 'opened'
        when metric_native in ('clicked', 'click') then 'clicked'
        when metric_native in ('bounced', 'bounce') then 'bounced'
        when metric_native in ('unsubscribed', 'unsubscribe') then 'unsubscribed'
    end as metric,
    metric_native,
    occurred_at,
    _loaded_at
from latest
