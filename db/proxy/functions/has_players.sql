-- lb.has_players: whether any shard has a player.
create or replace function lb_proxy.has_players()
returns setof boolean
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    target lb.has_players;
$$;

create or replace function lb.has_players()
returns boolean
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
begin
    return (select bool_or(h) from lb_proxy.has_players() as h);
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.has_players, lb.has_players from public;
