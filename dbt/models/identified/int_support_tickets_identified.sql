-- Grain: one support ticket, placed in its requester's person and customer account.
{{ with_identity(ref('int_support__tickets'),
                 [['user_id', 'user_id'], ['requester_id', 'requester_id'],
                  ['email', 'requester_email'], ['organization_id', 'organization_id']]) }}
