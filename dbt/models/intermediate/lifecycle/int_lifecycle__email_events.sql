-- Grain: one lifecycle email event (sent, delivered, opened, clicked, bounced,
-- unsubscribed) of one message to one person.
{{ union_family(['klaviyo', 'customerio', 'braze', 'generic_lifecycle'], 'email_events', [
    ['event_id', 'string'], ['email', 'string'], ['user_id', 'string'],
    ['profile_id', 'string'], ['campaign_name', 'string'], ['metric', 'string'],
    ['occurred_at', 'timestamp'],
]) }}
