{{ config(enabled=tool_enabled('generic_support')) }}

-- Family contract `tickets`: one row per support ticket in its latest state.

with source as (

    select * from {{ source('generic_support', 'tickets') }}

),

latest as (

    {{ latest_per_key(
        'source', 'ticket_id', '_loaded_at desc, _row_number desc') }}

),

renamed as (

    select
        trim(ticket_id) as ticket_id,
        nullif(trim(requester_id), '') as requester_id,
        {{ clean_email('requester_email') }} as requester_email,
        requester_email as requester_email_raw,
        nullif(trim(user_id), '') as user_id,
        nullif(trim(account_id), '') as account_id,
        created_at,
        solved_at,
        lower(nullif(trim(status), '')) as status_native,
        lower(nullif(trim(priority), '')) as priority,
        lower(nullif(trim(category), '')) as category,
        lower(nullif(trim(channel), '')) as channel,
        subject,
        lower(nullif(trim(satisfaction), '')) as satisfaction_native,
        _loaded_at
    from latest

)

select
    ticket_id,
    requester_id,
    requester_email,
    requester_email_raw,
    user_id,
    -- The contract's `account_id` is the support tool's account, best the
    -- app's workspace id: it is both the organization and the workspace link.
    account_id as organization_id,
    account_id as workspace_id,
    created_at,
    solved_at,
    case
        when status_native in ('new', 'open') then 'open'
        when status_native in ('pending', 'hold', 'on_hold') then 'pending'
        when status_native = 'solved' then 'solved'
        when status_native = 'closed' then 'closed'
    end as status,
    status_native,
    priority,
    category,
    channel,
    subject,
    case
        when satisfaction_native in ('good', 'bad') then satisfaction_native
    end as satisfaction,
    _loaded_at
from renamed
