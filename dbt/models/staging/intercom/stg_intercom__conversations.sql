{{ config(enabled=tool_enabled('intercom')) }}

with source as (

    select * from {{ source('intercom', 'conversations') }}

),

latest as (

    {{ latest_per_key(
        'source', 'id',
        'coalesce(updated_at, created_at) desc, '
        ~ '_loaded_at desc, _row_number desc') }}

),

renamed as (

    select
        id as conversation_id,
        contact_id,
        nullif(trim(contact_external_id), '') as contact_user_id,
        author_type,
        author_id,
        {{ clean_email('author_email') }} as author_email,
        state as state_native,
        -- Intercom has no solved-but-reopenable state of its own: a closed
        -- conversation reopens when the customer writes again, which is
        -- what `solved` means; a snoozed one waits, as `pending` does.
        case state
            when 'open' then 'open'
            when 'snoozed' then 'pending'
            when 'closed' then 'solved'
        end as status,
        case priority
            when 'priority' then 'high'
            when 'not_priority' then 'normal'
        end as priority,
        priority as priority_native,
        nullif(lower(trim(first_tag_name)), '') as category,
        -- The Messenger is Intercom's chat; other sources keep their name.
        case source_type
            when 'conversation' then 'chat'
            when 'email' then 'email'
            when 'phone_call' then 'phone'
            else source_type
        end as channel,
        source_type as channel_native,
        delivered_as,
        coalesce(nullif(trim(subject), ''), title) as subject,
        rating,
        case
            when rating >= 4 then 'good'
            when rating <= 2 then 'bad'
        end as satisfaction,
        nullif(trim(rating_remark), '') as rating_remark,
        rated_at,
        admin_assignee_id,
        team_assignee_id,
        -- `open` and `read` are reserved words on some adapters.
        {{ adapter.quote('open') }} as is_open,
        {{ adapter.quote('read') }} as is_read,
        created_at,
        updated_at,
        waiting_since,
        snoozed_until,
        first_admin_reply_at as first_replied_at,
        first_close_at as first_closed_at,
        last_close_at as last_closed_at,
        time_to_admin_reply as reply_time_seconds,
        time_to_last_close as resolution_time_seconds,
        coalesce(count_reopens, 0) as reopens,
        _loaded_at
    from latest

)

select
    *,
    -- The last close is the solve that stands (Zendesk's solved_at is the
    -- latest solve too); a reopened conversation that is open again has no
    -- solve time.
    case
        when status = 'solved' then coalesce(last_closed_at, first_closed_at)
    end as solved_at
from renamed
