-- Grain: one lifecycle email event, placed in its recipient's person and customer account.
{{ with_identity(ref('int_lifecycle__email_events'),
                 [['user_id', 'user_id'], ['profile_id', 'profile_id'],
                  ['email', 'email']]) }}
