-- Grain: one support ticket or conversation.
{{ union_family(['intercom', 'zendesk', 'generic_support'], 'tickets', [
    ['ticket_id', 'string'], ['requester_id', 'string'], ['requester_email', 'string'],
    ['user_id', 'string'], ['organization_id', 'string'], ['workspace_id', 'string'], ['created_at', 'timestamp'],
    ['solved_at', 'timestamp'], ['status', 'string'], ['priority', 'string'],
    ['category', 'string'], ['channel', 'string'], ['satisfaction', 'string'],
]) }}
