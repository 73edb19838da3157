{#- Which tools of the stack are present, and the union of a family's staging models. -#}

{% macro tool_enabled(tool) -%}
    {{ return(tool in var('intel_tools')) }}
{%- endmacro %}


{#- Unions `stg_<tool>__<entity>` over the family's tools that the stack has, selecting the
    family contract's columns. With no such tool it selects one typed row of NULLs and
    filters it out, so downstream models still see the full shape.
    `columns` is a list of [name, type] pairs; types are dbt's portable type macros' names
    (string, timestamp, numeric, int, boolean, date). -#}
{% macro union_family(tools, entity, columns) -%}
    {%- set present = [] -%}
    {%- for tool in tools if tool in var('intel_tools') -%}
        {%- do present.append(tool) -%}
    {%- endfor -%}
    {%- if present | length == 0 %}
    select
        cast(null as {{ dbt.type_string() }}) as source,
        {%- for name, type in columns %}
        cast(null as {{ portable_type(type) }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    where 1 = 0
    {%- else -%}
    {%- for tool in present %}
    select
        '{{ tool }}' as source,
        {%- for name, type in columns %}
        cast({{ name }} as {{ portable_type(type) }}) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref('stg_' ~ tool ~ '__' ~ entity) }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor -%}
    {%- endif -%}
{%- endmacro %}


{% macro portable_type(name) -%}
    {%- if name == 'string' -%}{{ dbt.type_string() }}
    {%- elif name == 'timestamp' -%}{{ dbt.type_timestamp() }}
    {%- elif name == 'numeric' -%}{{ dbt.type_numeric() }}
    {%- elif name == 'float' -%}{{ dbt.type_float() }}
    {%- elif name == 'int' -%}{{ dbt.type_bigint() }}
    {%- elif name == 'boolean' -%}{{ dbt.type_boolean() }}
    {%- elif name == 'date' -%}date
    {%- else -%}{{ exceptions.raise_compiler_error("unknown portable type " ~ name) }}
    {%- endif -%}
{%- endmacro %}
