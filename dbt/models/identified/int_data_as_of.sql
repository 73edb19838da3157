-- Grain: one row. The moment the data runs to: the latest time any activity source
-- records. Windows such as "last 30 days" and label horizons count back from it, so a
-- rebuild on the same data gives the same marts whatever day it runs.
with moments as (

    select max(occurred_at) as moment_at from {{ ref('int_product__events') }}
    union all
    select max(created_at) from {{ ref('int_support__tickets') }}
    union all
    select max(occurred_at) from {{ ref('int_lifecycle__email_events') }}
    union all
    select max(created_at) from {{ ref('int_billing__invoices') }}
    union all
    select max(started_at) from {{ ref('int_billing__subscriptions') }}

)

select max(moment_at) as as_of_at
from moments
