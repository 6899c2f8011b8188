-- lb.shard_info on the proxy: no shard of its own (null), and how many it routes to. The web
-- app reads it to merge the index's per-shard parts.
create or replace function lb.shard_info()
returns table (shard integer, shards integer)
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
    select null::integer, c.shards from lb_proxy.config as c
$$;

revoke all on function lb.shard_info from public;
grant execute on function lb.shard_info to lb_game_server, lb_web, lb_bridge;
