-- Whether any player exists; `leaderboard seed --if-empty` uses it to seed a new database once.
create or replace function lb.has_players()
returns boolean
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select exists (select from lb.users)
$$;

revoke all on function lb.has_players from public;
