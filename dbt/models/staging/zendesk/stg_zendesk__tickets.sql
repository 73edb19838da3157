{{ config(enabled=tool_enabled('zendesk')) }}

-- Family contract `tickets`: one row per Zendesk ticket that is not deleted,
-- with its requester's email and app user id.

with ticket_records as (

    select * from {{ ref('stg_zendesk__ticket_records') }}

),

users as (

    select * from {{ ref('stg_zendesk__users') }}

),

organizations as (

    select * from {{ ref('stg_zendesk__organizations') }}

),

tickets as (

    select
        ticket_records.ticket_id,
        ticket_records.requester_id,
        coalesce(users.email, ticket_records.via_from_email) as requester_email,
        users.user_id,
        -- The ticket's organization, else the requester's (Zendesk ids).
        coalesce(
            ticket_records.organization_id, users.organization_id
        ) as organization_id,
        -- The organization's external id where it was synced from the app;
        -- not part of the family contract.
        organizations.workspace_id,
        ticket_records.created_at,
        ticket_records.solved_at,
        ticket_records.status,
        ticket_records.priority,
        ticket_records.category,
        ticket_records.channel,
        ticket_records.satisfaction,
        ticket_records.subject,
        ticket_records.status_native,
        ticket_records.ticket_type,
        ticket_records.assignee_id,
        ticket_records.reopens,
        ticket_records.reply_time_calendar_minutes,
        ticket_records.full_resolution_calendar_minutes,
        ticket_records.updated_at,
        ticket_records._loaded_at
    from ticket_records
    left join users
        on ticket_records.requester_id = users.zendesk_user_id
    left join organizations
        on coalesce(ticket_records.organization_id, users.organization_id)
            = organizations.organization_id
    where not ticket_records.is_deleted

)

select * from tickets
