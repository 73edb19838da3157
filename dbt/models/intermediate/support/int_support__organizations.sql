-- Grain: one organization (company) the support tool knows.
{{ union_family(['intercom', 'zendesk', 'generic_support'], 'organizations', [
    ['organization_id', 'string'], ['organization_name', 'string'], ['domain', 'string'],
    ['workspace_id', 'string'],
    ['created_at', 'timestamp'],
]) }}
