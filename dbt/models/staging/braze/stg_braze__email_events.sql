{{ config(enabled=tool_enabled('braze')) }}

-- Family contract `email_events`: one row per Braze Currents email event,
-- the stream's repeats removed.

with source as (

    select * from {{ source('braze', 'email_events') }}

),

-- Currents is at-least-once: a repeated record keeps its id.
latest as (

    {{ latest_per_key('source', 'id', '_loaded_at desc, _row_number desc') }}

),

renamed as (

    select
        id as event_id,
        event_type as event_type_native,
        {{ clean_email('email_address') }} as email,
        email_address as email_raw,
        nullif(trim(external_user_id), '') as user_id,
        user_id as profile_id,
        campaign_id,
        nullif(trim(campaign_name), '') as campaign_name_native,
        canvas_id,
        nullif(trim(canvas_name), '') as canvas_name,
        canvas_step_id,
        nullif(trim(canvas_step_name), '') as canvas_step_name,
        message_variation_id,
        message_variation_name,
        dispatch_id,
        send_id,
        url,
        link_id,
        bounce_reason,
        coalesce(is_drop, false) as is_drop,
        lower(machine_open) = 'true' as is_machine_open,
        coalesce(is_suspected_bot_click, false) as is_suspected_bot_click,
        device_class,
        esp,
        timezone,
        {{ adapter.quote('time') }} as occurred_at,
        _loaded_at
    from latest

)

select
    event_id,
    email,
    email_raw,
    user_id,
    profile_id,
    -- A Canvas (journey) message has no campaign name: the Canvas and its
    -- step name it, as a journey step is one email.
    coalesce(
        campaign_name_native,
        case
            when canvas_step_name is not null
                then {{ dbt.concat(
                    ['canvas_name', "': '", 'canvas_step_name']) }}
        end,
        canvas_name,
        campaign_id,
        canvas_id
    ) as campaign_name,
    -- Email event types in the project's vocabulary. A drop is a bounce
    -- Braze never sent (the address was on its bounce list), so it is not
    -- counted as a bounce. Types outside the six keep their own name.
    case event_type_native
        when 'users.messages.email.Send' then 'sent'
        when 'users.messages.email.Delivery' then 'delivered'
        when 'users.messages.email.Open' then 'opened'
        when 'users.messages.email.Click' then 'clicked'
        when 'users.messages.email.Bounce'
            then case when is_drop then 'dropped' else 'bounced' end
        when 'users.messages.email.SoftBounce' then 'soft_bounced'
        when 'users.messages.email.MarkAsSpam' then 'spam'
        when 'users.messages.email.Unsubscribe' then 'unsubscribed'
        when 'users.messages.email.Deferral' then 'deferred'
        else lower({{ dbt.split_part('event_type_native', "'.'", 4) }})
    end as metric,
    event_type_native,
    campaign_id,
    campaign_name_native,
    canvas_id,
    canvas_name,
    canvas_step_id,
    canvas_step_name,
    message_variation_id,
    message_variation_name,
    dispatch_id,
    send_id,
    url,
    link_id,
    bounce_reason,
    is_drop,
    is_machine_open,
    is_suspected_bot_click,
    device_class,
    esp,
    timezone,
    occurred_at,
    _loaded_at
from renamed
