-- Grain: one invoice.
{{ union_family(['stripe', 'generic_billing'], 'invoices', [
    ['invoice_id', 'string'], ['customer_id', 'string'], ['subscription_id', 'string'],
    ['status', 'string'], ['amount_due', 'numeric'], ['amount_paid', 'numeric'],
    ['currency', 'string'], ['created_at', 'timestamp'], ['period_start', 'timestamp'],
    ['period_end', 'timestamp'], ['paid_at', 'timestamp'],
]) }}
