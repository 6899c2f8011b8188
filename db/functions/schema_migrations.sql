-- The migrations applied to this database (yoyo's bookkeeping, in schema lb_migrations), so
-- services can refuse to start against an older schema and say what to run.
create or replace function lb.schema_migrations()
returns setof text
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select m.migration_id from lb_migrations._yoyo_migration as m
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.schema_migrations from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.schema_migrations to lb_web, lb_bridge;
