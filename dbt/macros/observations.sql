{#- Rows of `int_identity__observations` for one relation: one row per (record, kind)
    whose value is present. `kinds` is a list of [kind, column]; a record groups the
    identifiers that were seen together. -#}
{% macro identifier_observations(relation, record_expr, kinds, observed_at) -%}
    {%- for kind, column in kinds %}
    select
        source,
        {{ record_expr }} as record_id,
        '{{ kind }}' as kind,
        cast({{ column }} as {{ dbt.type_string() }}) as value,
        {{ observed_at }} as observed_at
    from {{ relation }}
    where {{ column }} is not null
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}


{#- A record key from several nullable columns, portable across adapters. -#}
{% macro record_key(prefix, columns) -%}
    {%- set parts = ["'" ~ prefix ~ "'"] -%}
    {%- for column in columns -%}
        {%- do parts.append("'|'") -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}
