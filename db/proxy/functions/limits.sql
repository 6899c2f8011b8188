-- lb.limits from shard 0: every shard runs the same code.
create or replace function lb_proxy.limits()
returns table (name text, value bigint)
language plproxy
as $$
    cluster 'lb_shards';
    run on 0;
    target lb.limits;
$$;

create or replace function lb.limits()
returns table (name text, value bigint)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
begin
    return query select * from lb_proxy.limits();
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.limits, lb.limits from public;
grant execute on function lb_proxy.limits, lb.limits to lb_game_server, lb_web;
