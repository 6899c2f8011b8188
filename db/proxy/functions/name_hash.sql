-- The hash that routes a username; with lb_shards' modular mapping the shard is
-- abs(hash % shards), the same as lb._shard_of_name on the shards, so a name differing only
-- in case reaches the same shard and its unique index.
create or replace function lb_proxy.name_hash(p_username text)
returns integer
language sql
immutable
as $$
    select hashtext(lower(coalesce(p_username, '')))
$$;

revoke all on function lb_proxy.name_hash from public;
grant execute on function lb_proxy.name_hash to lb_game_server, lb_web;
