-- Grain: one subscription, of any status.
{{ union_family(['stripe', 'generic_billing'], 'subscriptions', [
    ['subscription_id', 'string'], ['customer_id', 'string'], ['status', 'string'],
    ['plan', 'string'], ['quantity', 'int'], ['mrr', 'numeric'], ['currency', 'string'],
    ['started_at', 'timestamp'], ['trial_end_at', 'timestamp'], ['canceled_at', 'timestamp'],
    ['ended_at', 'timestamp'], ['current_period_end', 'timestamp'],
]) }}
