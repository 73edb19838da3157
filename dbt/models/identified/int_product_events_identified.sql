-- Grain: one product event, placed in its person and customer account.
{{ with_identity(ref('int_product__events'),
                 [['user_id', 'user_id'], ['anonymous_id', 'anonymous_id'],
                  ['email', 'email']]) }}
