-- Grain: one CRM account (a company).
{{ union_family(['salesforce', 'hubspot', 'generic_crm'], 'accounts', [
    ['crm_account_id', 'string'], ['account_name', 'string'], ['domain', 'string'],
    ['industry', 'string'], ['country', 'string'], ['employees', 'int'],
    ['created_at', 'timestamp'],
]) }}
