-- Whether each shard answers: on one node, the node itself (shard 0 of 1). The proxy of a
-- sharded deployment has its own lb.shard_status, which asks every shard (db/proxy); the
-- web app's /health reads either.
create or replace function lb.shard_status()
returns table (shard integer, up boolean, problem text)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select c.shard, true, null::text from lb.shard_config as c
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.shard_status from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.shard_status to lb_web;
