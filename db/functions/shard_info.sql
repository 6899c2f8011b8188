-- Which shard this database is and of how many (0 of 1 for a database that is not a shard):
-- a bridge keeps its shard's part of the Redis index under keys of its own (README
-- "Sharding").
create or replace function lb.shard_info()
returns table (shard integer, shards integer)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select c.shard, c.shards from lb.shard_config as c
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.shard_info from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.shard_info to lb_game_server, lb_web, lb_bridge;
