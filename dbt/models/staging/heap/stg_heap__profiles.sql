{{ config(enabled=tool_enabled('heap')) }}

-- Family contract `profiles`: one row per Heap user, and one per user
-- migration, the link from an anonymous user to the identified one.

with users as (

    select * from {{ ref('stg_heap__users') }}

),

user_migrations as (

    select * from {{ ref('stg_heap__user_migrations') }}

),

user_profiles as (

    select
        {{ dbt.concat(["'user:'", 'heap_user_id']) }} as profile_key,
        'user' as profile_type,
        user_id,
        heap_user_id as anonymous_id,
        email,
        workspace_id,
        joined_at as created_at
    from users

),

-- The migrated (anonymous) user beside the app's user id of the user it
-- moved into: known only once that user is identified.
migration_links as (

    select
        {{ dbt.concat(["'migration:'", 'user_migrations.from_heap_user_id']) }}
            as profile_key,
        'migration' as profile_type,
        users.user_id,
        user_migrations.from_heap_user_id as anonymous_id,
        users.email,
        users.workspace_id,
        coalesce(user_migrations.migrated_at, users.joined_at) as created_at
    from user_migrations
    left join users
        on user_migrations.to_heap_user_id = users.heap_user_id

)

select * from user_profiles
union all
select * from migration_links
