{{ config(enabled=tool_enabled('generic_surveys')) }}

-- Family contract `responses`: one row per survey response, the latest
-- version loaded.

with source as (

    select * from {{ source('generic_surveys', 'responses') }}

),

latest as (

    {{ latest_per_key(
        'source', 'response_id', '_loaded_at desc, _row_number desc') }}

)

select
    trim(response_id) as response_id,
    {{ clean_email('email') }} as email,
    email as email_raw,
    nullif(trim(user_id), '') as user_id,
    cast(score as {{ dbt.type_bigint() }}) as score,
    nullif(trim(comment), '') as comment,
    -- Missing means nps.
    coalesce(lower(nullif(trim(survey_type), '')), 'nps') as survey_type,
    created_at as responded_at,
    _loaded_at
from latest
