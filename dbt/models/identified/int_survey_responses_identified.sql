-- Grain: one survey answer, placed in its respondent's person and customer account.
{{ with_identity(ref('int_surveys__responses'),
                 [['user_id', 'user_id'], ['email', 'email']]) }}
