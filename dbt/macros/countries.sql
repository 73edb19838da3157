{#- Countries as ISO 3166 alpha-2 codes, whichever way a tool stores them. -#}

{#- Selects every column of `relation` plus `country`: the value of `expression` when it is
    already a two-letter code, else the code of its English name or a common alias
    (seeds/country_names.csv). A name outside the seed gives NULL rather than a guess. -#}
{% macro with_country_code(relation, expression) -%}
    select
        {{ relation }}.*,
        case
            when length(trim({{ expression }})) = 2 then upper(trim({{ expression }}))
            else country_names.country_code
        end as country
    from {{ relation }}
    left join {{ ref('country_names') }} as country_names
        on country_names.name_lower = lower(trim({{ expression }}))
{%- endmacro %}
