-- lb.recompute_board on every shard (each from its own session log), the rows summed; not
-- atomic across shards (see create_board.sql).
create or replace function lb_proxy.recompute_board(p_board text, p_period timestamptz)
returns setof bigint
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    target lb.recompute_board;
$$;

create or replace function lb.recompute_board(p_board text, p_period timestamptz default null)
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
    return (select sum(r)::bigint from lb_proxy.recompute_board(p_board, p_period) as r);
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.recompute_board, lb.recompute_board from public;
grant execute on function lb_proxy.recompute_board, lb.recompute_board to lb_web;
