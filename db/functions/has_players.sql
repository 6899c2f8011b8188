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

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.has_players from public, lb_game_server, lb_web, lb_bridge;
-- the proxy of a sharded deployment asks every shard (`leaderboard seed --if-empty`)
grant execute on function lb.has_players to lb_proxy;
