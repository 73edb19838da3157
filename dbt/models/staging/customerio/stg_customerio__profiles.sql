{{ config(enabled=tool_enabled('customerio')) }}

-- Family contract `profiles`: one row per Customer.io person (cio_id) seen
-- in the email events, since the webhook feed is the only Customer.io export.
-- A person's address and user id are the latest the events carried;
-- `created_at` is the first event, not Customer.io's creation time, which the
-- feed does not carry. Events without a cio_id (older payloads) make no
-- profile; their address and user id still reach identity resolution through
-- the events.

{{ profiles_from_email_events(ref('stg_customerio__email_events')) }}
