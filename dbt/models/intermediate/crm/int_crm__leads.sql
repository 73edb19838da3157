-- Grain: one CRM lead, converted or not. Only Salesforce keeps leads as records of
-- their own; identity links a converted lead's id and address to the contact it
-- became (an unconverted lead is already one of `int_crm__contacts`).
{{ union_family(['salesforce'], 'leads', [
    ['lead_id', 'string'], ['email', 'string'], ['converted_contact_id', 'string'],
    ['is_converted', 'boolean'], ['created_at', 'timestamp'],
]) }}
