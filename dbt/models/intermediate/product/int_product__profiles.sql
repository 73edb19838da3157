-- Grain: one user profile or identity link recorded by the product tool (a profile, a
-- user row, an anonymous-to-identified migration).
{{ union_family(['mixpanel', 'amplitude', 'heap', 'generic_product'], 'profiles', [
    ['profile_key', 'string'], ['user_id', 'string'], ['anonymous_id', 'string'],
    ['email', 'string'], ['workspace_id', 'string'], ['created_at', 'timestamp'],
]) }}
