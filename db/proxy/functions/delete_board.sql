-- lb.delete_board on every shard, the entries deleted summed; not atomic across shards (see
-- create_board.sql).
create or replace function lb_proxy.delete_board(p_board text)
returns setof bigint
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    target lb.delete_board;
$$;

create or replace function lb.delete_board(p_board text)
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
    return (select sum(d)::bigint from lb_proxy.delete_board(p_board) as d);
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.delete_board, lb.delete_board from public;
grant execute on function lb_proxy.delete_board, lb.delete_board to lb_web;
