{{ config(enabled=tool_enabled('zendesk')) }}

-- One row per Zendesk ticket id: the version with the latest
-- generated_timestamp. Feeds `stg_zendesk__tickets`, the family contract.

with source as (

    select * from {{ source('zendesk', 'tickets') }}

),

latest as (

    {{ latest_per_key(
        'source', 'id',
        'generated_timestamp desc, _loaded_at desc, _row_number desc') }}

),

renamed as (

    select
        id as ticket_id,
        requester_id,
        submitter_id,
        assignee_id,
        organization_id,
        group_id,
        brand_id,
        status as status_native,
        -- new and on-hold tickets still wait on the support team.
        case status
            when 'new' then 'open'
            when 'open' then 'open'
            when 'hold' then 'open'
            when 'pending' then 'pending'
            when 'solved' then 'solved'
            when 'closed' then 'closed'
        end as status,
        status = 'deleted' as is_deleted,
        lower(priority) as priority,
        type as ticket_type,
        nullif(lower(trim(first_tag)), '') as category,
        via_channel as channel_native,
        case
            when via_channel in ('chat', 'native_messaging', 'messaging')
                then 'chat'
            when via_channel in ('web', 'web_form', 'web_widget', 'mobile',
                                 'mobile_sdk', 'help_center')
                then 'web'
            when via_channel = 'voice' then 'phone'
            else via_channel
        end as channel,
        {{ clean_email('via_from_address') }} as via_from_email,
        subject,
        satisfaction_score as satisfaction_native,
        -- offered and unoffered are no rating.
        case
            when satisfaction_score in ('good', 'bad') then satisfaction_score
        end as satisfaction,
        nullif(trim(satisfaction_comment), '') as satisfaction_comment,
        created_at,
        updated_at,
        generated_timestamp as version_at,
        -- The metric set's solved_at is the latest solve; a ticket reopened
        -- since has none that stands.
        case
            when status in ('solved', 'closed') then solved_at
        end as solved_at,
        assigned_at,
        coalesce(reopens, 0) as reopens,
        replies,
        reply_time_calendar_minutes,
        first_resolution_calendar_minutes,
        full_resolution_calendar_minutes,
        requester_wait_calendar_minutes,
        _loaded_at
    from latest

)

select * from renamed
