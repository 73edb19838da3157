-- Grain: one identifier seen on one source record. Identifiers of one record were seen
-- together, which is the evidence identity resolution links people with. Event-level
-- families are reduced to their distinct identifier combinations first: a person's
-- thousand events carry the same three ids.

with product_links as (

    select
        source, user_id, anonymous_id, tool_user_id, email, workspace_id,
        min(occurred_at) as observed_at
    from {{ ref('int_product__events') }}
    group by source, user_id, anonymous_id, tool_user_id, email, workspace_id

),

product_profiles as (

    select * from {{ ref('int_product__profiles') }}

),

crm_contacts as (

    select * from {{ ref('int_crm__contacts') }}

),

crm_converted_leads as (

    select * from {{ ref('int_crm__leads') }}
    where is_converted

),

crm_accounts as (

    select * from {{ ref('int_crm__accounts') }}

),

support_links as (

    select
        source, requester_id, requester_email, user_id, organization_id, workspace_id,
        min(created_at) as observed_at
    from {{ ref('int_support__tickets') }}
    group by source, requester_id, requester_email, user_id, organization_id, workspace_id

),

support_requesters as (

    select * from {{ ref('int_support__requesters') }}

),

support_organizations as (

    select * from {{ ref('int_support__organizations') }}

),

email_links as (

    select source, profile_id, email, user_id, min(occurred_at) as observed_at
    from {{ ref('int_lifecycle__email_events') }}
    group by source, profile_id, email, user_id

),

lifecycle_profiles as (

    select * from {{ ref('int_lifecycle__profiles') }}

),

billing_customers as (

    select * from {{ ref('int_billing__customers') }}

),

survey_links as (

    select source, email, user_id, min(responded_at) as observed_at
    from {{ ref('int_surveys__responses') }}
    group by source, email, user_id

)

{{ identifier_observations(
    'product_links',
    record_key('events', ['user_id', 'anonymous_id', 'tool_user_id', 'email',
                          'workspace_id']),
    [['user_id', 'user_id'], ['anonymous_id', 'anonymous_id'],
     ['tool_user_id', 'tool_user_id'], ['email', 'email'], ['workspace_id', 'workspace_id']],
    'observed_at') }}
union all
{{ identifier_observations(
    'product_profiles', record_key('profile', ['profile_key']),
    [['user_id', 'user_id'], ['anonymous_id', 'anonymous_id'], ['email', 'email'],
     ['workspace_id', 'workspace_id']],
    'created_at') }}
union all
{{ identifier_observations(
    'crm_contacts', record_key('contact', ['contact_id']),
    [['contact_id', 'contact_id'], ['email', 'email'], ['user_id', 'user_id'],
     ['crm_account_id', 'crm_account_id']],
    'created_at') }}
union all
{{ identifier_observations(
    'crm_converted_leads', record_key('lead', ['lead_id']),
    [['lead_id', 'lead_id'], ['email', 'email'], ['contact_id', 'converted_contact_id']],
    'created_at') }}
union all
{{ identifier_observations(
    'crm_accounts', record_key('account', ['crm_account_id']),
    [['crm_account_id', 'crm_account_id'], ['domain', 'domain']],
    'created_at') }}
union all
{{ identifier_observations(
    'support_links',
    record_key('ticket', ['requester_id', 'requester_email', 'user_id', 'organization_id',
                          'workspace_id']),
    [['requester_id', 'requester_id'], ['email', 'requester_email'], ['user_id', 'user_id'],
     ['organization_id', 'organization_id'], ['workspace_id', 'workspace_id']],
    'observed_at') }}
union all
{{ identifier_observations(
    'support_requesters', record_key('requester', ['requester_id']),
    [['requester_id', 'requester_id'], ['email', 'email'], ['user_id', 'user_id'],
     ['organization_id', 'organization_id'], ['workspace_id', 'workspace_id']],
    'created_at') }}
union all
{{ identifier_observations(
    'support_organizations', record_key('organization', ['organization_id']),
    [['organization_id', 'organization_id'], ['domain', 'domain'],
     ['workspace_id', 'workspace_id']],
    'created_at') }}
union all
{{ identifier_observations(
    'email_links', record_key('email', ['profile_id', 'email', 'user_id']),
    [['profile_id', 'profile_id'], ['email', 'email'], ['user_id', 'user_id']],
    'observed_at') }}
union all
{{ identifier_observations(
    'lifecycle_profiles', record_key('profile', ['profile_id']),
    [['profile_id', 'profile_id'], ['email', 'email'], ['user_id', 'user_id']],
    'created_at') }}
union all
{{ identifier_observations(
    'billing_customers', record_key('customer', ['customer_id']),
    [['customer_id', 'customer_id'], ['email', 'email'], ['user_id', 'user_id'],
     ['workspace_id', 'workspace_id']],
    'created_at') }}
union all
{{ identifier_observations(
    'survey_links', record_key('survey', ['email', 'user_id']),
    [['email', 'email'], ['user_id', 'user_id']],
    'observed_at') }}
