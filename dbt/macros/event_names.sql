{#- Selects every column of `relation` plus `event_name`: the project's name for the tool's
    own `event_name_native` (seeds/product_event_names.csv), else the native name as it is,
    so that an event the seed does not know is kept, not dropped. -#}
{% macro with_event_name(relation, tool) -%}
    select
        {{ relation }}.*,
        coalesce(event_names.event, {{ relation }}.event_name_native) as event_name
    from {{ relation }}
    left join {{ ref('product_event_names') }} as event_names
        on event_names.tool = '{{ tool }}'
        and event_names.native_name = {{ relation }}.event_name_native
{%- endmacro %}
