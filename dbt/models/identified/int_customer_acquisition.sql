-- Grain: one customer account. Its first touch: the earliest event of any of its people
-- that carries acquisition evidence (UTMs, an ad click id, a referrer), else its first
-- event at all (a direct visit).
with events as (

    select * from {{ ref('int_product_events_identified') }}
    where customer_id is not null

),

touches as (

    select
        customer_id,
        occurred_at,
        utm_source,
        utm_medium,
        utm_campaign,
        click_id_type,
        referrer,
        row_number() over (
            partition by customer_id
            order by
                case when utm_source is not null or click_id_type is not null
                    or referrer is not null then 0 else 1 end,
                occurred_at
        ) as touch_rank
    from events

)

select
    customer_id,
    occurred_at as acquired_at,
    {{ acquisition_channel('utm_source', 'click_id_type', 'referrer') }}
        as acquisition_channel,
    utm_campaign as acquisition_campaign,
    utm_source,
    utm_medium
from touches
where touch_rank = 1
