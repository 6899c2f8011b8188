-- lb.clear_all on every shard (admin).
create or replace function lb_proxy.clear_all()
returns setof boolean
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    select true as clear_all from lb.clear_all();
$$;

create or replace function lb.clear_all()
returns void
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
begin
    perform lb_proxy.clear_all();
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.clear_all, lb.clear_all from public;
grant execute on function lb_proxy.clear_all, lb.clear_all to lb_web;
