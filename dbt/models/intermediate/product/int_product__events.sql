-- Grain: one product analytics event, from whichever product tool the stack has.
{{ union_family(['mixpanel', 'amplitude', 'heap', 'generic_product'], 'events', [
    ['event_id', 'string'], ['event_name', 'string'], ['occurred_at', 'timestamp'],
    ['user_id', 'string'], ['anonymous_id', 'string'], ['tool_user_id', 'string'],
    ['email', 'string'],
    ['workspace_id', 'string'], ['utm_source', 'string'], ['utm_medium', 'string'],
    ['utm_campaign', 'string'], ['click_id', 'string'], ['click_id_type', 'string'],
    ['referrer', 'string'],
]) }}
