-- lb.create_player on the shard its name hashes to: that shard's unique index on
-- lower(username) is the only place the name can be, so uniqueness across shards needs no
-- global lock, and the id it gives names that shard.
create or replace function lb_proxy.create_player(p_username text)
returns bigint
language plproxy
as $$
    cluster 'lb_shards';
    run on lb_proxy.name_hash(p_username);
    target lb.create_player;
$$;

create or replace function lb.create_player(p_username text)
returns bigint
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
begin
    return lb_proxy.create_player(p_username);
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.create_player, lb.create_player from public;
grant execute on function lb_proxy.create_player, lb.create_player to lb_game_server;
