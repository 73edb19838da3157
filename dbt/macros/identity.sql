{#- Puts each row of `relation` in its person and account: left-joins the identity map once
    per [kind, column] pair and takes the first match, in the order given (a user id is
    better evidence than an anonymous device). -#}
{% macro with_identity(relation, pairs) -%}
    select
        r.*,
        coalesce({% for kind, column in pairs %}m{{ loop.index }}.person_id{{ ", " if not loop.last }}{% endfor %}) as person_id,
        coalesce({% for kind, column in pairs %}m{{ loop.index }}.customer_id{{ ", " if not loop.last }}{% endfor %}) as customer_id
    from {{ relation }} as r
    {%- for kind, column in pairs %}
    left join {{ source('identity', 'identity_map') }} as m{{ loop.index }}
        on m{{ loop.index }}.source = r.source
        and m{{ loop.index }}.kind = '{{ kind }}'
        and m{{ loop.index }}.value = cast(r.{{ column }} as {{ dbt.type_string() }})
    {%- endfor %}
{%- endmacro %}


{#- Monthly or weekly dates from `start_expr` to `end_expr`, without dbt_utils: a spine of
    numbers from cross-joined digits (up to 10,000 periods). -#}
{% macro period_spine(start_expr, end_expr, grain) -%}
    with digits as (
        select 0 as d union all select 1 union all select 2 union all select 3
        union all select 4 union all select 5 union all select 6 union all select 7
        union all select 8 union all select 9
    ),

    numbers as (
        select a.d + 10 * b.d + 100 * c.d + 1000 * e.d as n
        from digits as a
        cross join digits as b
        cross join digits as c
        cross join digits as e
    ),

    bounds as (
        select
            {{ dbt.date_trunc(grain, start_expr) }} as first_period,
            {{ end_expr }} as last_moment
    )

    select
        {{ dbt.dateadd(grain, 'numbers.n', 'bounds.first_period') }} as period_start
    from numbers
    cross join bounds
    where {{ dbt.dateadd(grain, 'numbers.n', 'bounds.first_period') }} <= bounds.last_moment
{%- endmacro %}
