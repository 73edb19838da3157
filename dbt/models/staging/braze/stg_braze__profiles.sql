{{ config(enabled=tool_enabled('braze')) }}

-- Family contract `profiles`: one row per Braze user (Braze's 24-hex
-- user_id) seen in the email events, since Currents is the only Braze export
-- read. A user's address and external id are the latest the events carried;
-- `created_at` is the first event, not the user's creation in Braze, which
-- Currents does not carry.

{{ profiles_from_email_events(ref('stg_braze__email_events')) }}
