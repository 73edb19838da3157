{#- Selects every column of `relation` plus `industry`: the project's label for the tool's
    own `industry_native` value (seeds/crm_industry_labels.csv). With `keep_unmapped`, a
    value the seed does not map is kept as written (for a generic CRM whose values may
    already be the project's labels); otherwise it becomes NULL. -#}
{% macro with_industry_label(relation, tool, keep_unmapped=false) -%}
    select
        {{ relation }}.*,
        {%- if keep_unmapped %}
        coalesce(industry_labels.industry, {{ relation }}.industry_native) as industry
        {%- else %}
        industry_labels.industry
        {%- endif %}
    from {{ relation }}
    left join {{ ref('crm_industry_labels') }} as industry_labels
        on industry_labels.tool = '{{ tool }}'
        and industry_labels.native_value = {{ relation }}.industry_native
{%- endmacro %}
