-- The shard that owns a player id: ids on shard k of n are the numbers i with (i - 1) % n = k
-- (lb.configure_shard). Ids that no shard gives out (null, zero, negative) go to shard 0,
-- which refuses them with the error one node gives.
create or replace function lb_proxy.player_hash(p_user_id bigint)
returns integer
language sql
stable
as $$
    select ((greatest(coalesce(p_user_id, 1), 1) - 1) % c.shards)::integer
    from lb_proxy.config as c
$$;

revoke all on function lb_proxy.player_hash from public;
grant execute on function lb_proxy.player_hash to lb_game_server, lb_web;
