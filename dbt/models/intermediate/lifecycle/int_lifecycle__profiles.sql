-- Grain: one profile in the lifecycle tool.
{{ union_family(['klaviyo', 'customerio', 'braze', 'generic_lifecycle'], 'profiles', [
    ['profile_id', 'string'], ['email', 'string'], ['user_id', 'string'],
    ['created_at', 'timestamp'],
]) }}
