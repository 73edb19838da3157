-- Grain: one person (or shared address) the support tool knows.
{{ union_family(['intercom', 'zendesk', 'generic_support'], 'requesters', [
    ['requester_id', 'string'], ['email', 'string'], ['user_id', 'string'],
    ['organization_id', 'string'], ['workspace_id', 'string'],
    ['created_at', 'timestamp'],
]) }}
