-- Grain: one CRM deal or opportunity.
{{ union_family(['salesforce', 'hubspot', 'generic_crm'], 'deals', [
    ['deal_id', 'string'], ['crm_account_id', 'string'], ['deal_name', 'string'],
    ['amount', 'numeric'], ['stage', 'string'], ['is_won', 'boolean'], ['is_closed', 'boolean'],
    ['created_at', 'timestamp'], ['closed_at', 'timestamp'],
]) }}
