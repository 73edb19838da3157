{{ config(enabled=tool_enabled('intercom')) }}

-- Family contract `tickets`: one row per Intercom conversation, placed with
-- its customer (the first contact) and that contact's company.

with conversations as (

    select * from {{ ref('stg_intercom__conversations') }}

),

requesters as (

    select * from {{ ref('stg_intercom__requesters') }}

),

tickets as (

    select
        conversations.conversation_id as ticket_id,
        conversations.contact_id as requester_id,
        -- The address the customer wrote from, else the contact's own; an
        -- admin-initiated conversation's author is the teammate.
        coalesce(
            case
                when conversations.author_type in ('user', 'lead', 'contact')
                    then conversations.author_email
            end,
            requesters.email
        ) as requester_email,
        coalesce(conversations.contact_user_id, requesters.user_id) as user_id,
        requesters.organization_id,
        requesters.workspace_id,
        conversations.created_at,
        conversations.solved_at,
        conversations.status,
        conversations.priority,
        conversations.category,
        conversations.channel,
        conversations.satisfaction,
        conversations.subject,
        conversations.state_native,
        conversations.rating,
        conversations.first_replied_at,
        conversations.first_closed_at,
        conversations.reply_time_seconds,
        conversations.reopens,
        conversations.updated_at,
        conversations._loaded_at
    from conversations
    left join requesters
        on conversations.contact_id = requesters.requester_id

)

select * from tickets
