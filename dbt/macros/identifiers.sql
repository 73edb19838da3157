{#- Identifier clean-up shared by every staging model, written with dbt's cross-database
    macros so the project runs on other adapters unchanged. -#}

{#- Lower case and trimmed; the plus tag and Gmail's dots are removed in identity
    resolution, which needs the address as written to report it. -#}
{% macro clean_email(column) -%}
    nullif(lower(trim({{ column }})), '')
{%- endmacro %}


{#- The domain of an email address. -#}
{% macro email_domain(column) -%}
    nullif({{ dbt.split_part(clean_email(column), "'@'", 2) }}, '')
{%- endmacro %}


{#- A website or URL reduced to its host without www (https://www.acme.io/x -> acme.io). -#}
{% macro url_domain(column) -%}
    nullif(
        {{ dbt.replace(
            dbt.split_part(
                dbt.split_part(dbt.replace(dbt.replace('lower(trim(' ~ column ~ '))',
                    "'https://'", "''"), "'http://'", "''"), "'/'", 1),
                "'?'", 1),
            "'www.'", "''") }},
        '')
{%- endmacro %}


{#- Keeps the latest row per key: at-least-once feeds and re-delivered files repeat rows. -#}
{% macro latest_per_key(relation, key, order_by) -%}
    select * from (
        select
            *,
            row_number() over (partition by {{ key }} order by {{ order_by }}) as _row_rank
        from {{ relation }}
    ) as ranked
    where _row_rank = 1
{%- endmacro %}
