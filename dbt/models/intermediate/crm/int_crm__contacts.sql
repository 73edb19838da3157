-- Grain: one CRM contact or lead (a person the CRM knows).
{{ union_family(['salesforce', 'hubspot', 'generic_crm'], 'contacts', [
    ['contact_id', 'string'], ['email', 'string'], ['first_name', 'string'],
    ['last_name', 'string'], ['crm_account_id', 'string'], ['user_id', 'string'],
    ['lifecycle_stage', 'string'],
    ['is_lead', 'boolean'], ['created_at', 'timestamp'],
]) }}
