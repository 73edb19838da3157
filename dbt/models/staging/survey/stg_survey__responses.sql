{{ config(enabled=tool_enabled('survey')) }}

with source as (

    select * from {{ source('survey', 'responses') }}

),

-- The raw engine checks types only: a score outside 0-10 loads, and is dropped
-- here before an earlier valid version of the response can be shadowed by it.
valid as (

    select * from source
    where score between 0 and 10

),

latest as (

    {{ latest_per_key(
        'valid', 'response_id', '_loaded_at desc, _row_number desc') }}

)

select
    response_id,
    {{ clean_email('email') }} as email,
    email as email_raw,
    -- The CSV contract carries no user id.
    cast(null as {{ dbt.type_string() }}) as user_id,
    cast(score as {{ dbt.type_bigint() }}) as score,
    nullif(trim(comment), '') as comment,
    lower(nullif(trim(survey_type), '')) as survey_type,
    created_at as responded_at,
    _loaded_at
from latest
