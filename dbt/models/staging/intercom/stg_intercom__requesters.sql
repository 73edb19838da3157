{{ config(enabled=tool_enabled('intercom')) }}

-- Family contract `requesters`: every contact, users and leads. A lead with a
-- role address (team@...) is kept; identity resolution treats it as shared.

with contacts as (

    select * from {{ ref('stg_intercom__contacts') }}

),

organizations as (

    select * from {{ ref('stg_intercom__organizations') }}

),

requesters as (

    select
        contacts.contact_id as requester_id,
        contacts.email,
        contacts.email_raw,
        contacts.user_id,
        -- The contact names Intercom's company id only; the company carries
        -- the workspace id the product knows it by.
        organizations.organization_id,
        organizations.workspace_id,
        contacts.contact_name as requester_name,
        contacts.contact_role,
        contacts.is_lead,
        contacts.created_at,
        contacts.updated_at,
        contacts.last_seen_at,
        contacts._loaded_at
    from contacts
    left join organizations
        on contacts.intercom_company_id = organizations.organization_id

)

select * from requesters
