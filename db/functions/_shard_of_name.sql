-- The shard that owns a username among p_shards: the same expression the proxy routes
-- lb.create_player with (PL/Proxy's modular mapping of hashtext(lower(name)), db/proxy), so a
-- name differing only in case always reaches the same shard and its unique index there.
create or replace function lb._shard_of_name(p_username text, p_shards integer)
returns integer
language sql
immutable
parallel safe
as $$
    select abs(hashtext(lower(p_username)) % p_shards)
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._shard_of_name from public, lb_game_server, lb_web, lb_bridge;
