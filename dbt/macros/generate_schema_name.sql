{#- Layers get their own schema (staging, intermediate, marts) instead of dbt's default
    <target>_<custom> prefix, so a user queries `marts.customers`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name is not none else target.schema }}
{%- endmacro %}
