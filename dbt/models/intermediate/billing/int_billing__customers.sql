-- Grain: one billing customer (the paying account's billing entity).
{{ union_family(['stripe', 'generic_billing'], 'customers', [
    ['customer_id', 'string'], ['email', 'string'], ['user_id', 'string'],
    ['workspace_id', 'string'], ['customer_name', 'string'], ['created_at', 'timestamp'],
]) }}
