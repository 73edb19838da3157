{{ config(enabled=tool_enabled('zendesk')) }}

-- Family contract `requesters`: the end-users (agents and admins staff the
-- help desk; they are not customers). A shared role address (team@...) is a
-- user of its own and is kept: identity resolution treats it as shared.

with users as (

    select * from {{ ref('stg_zendesk__users') }}

),

organizations as (

    select * from {{ ref('stg_zendesk__organizations') }}

),

requesters as (

    select
        users.zendesk_user_id as requester_id,
        users.email,
        users.email_raw,
        users.user_id,
        users.organization_id,
        -- The organization's external id where it was synced from the app;
        -- not part of the family contract.
        organizations.workspace_id,
        users.user_name as requester_name,
        users.is_active,
        users.is_suspended,
        users.created_at,
        users.updated_at,
        users.last_login_at,
        users._loaded_at
    from users
    left join organizations
        on users.organization_id = organizations.organization_id
    where users.role = 'end-user'

)

select * from requesters
