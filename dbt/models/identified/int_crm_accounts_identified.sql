-- Grain: one CRM account, placed in the customer account it belongs to.
{{ with_identity(ref('int_crm__accounts'), [['crm_account_id', 'crm_account_id']]) }}
