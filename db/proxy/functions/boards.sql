-- lb.boards over every shard: one row per board, players summed (lb_proxy._merge_boards).
create or replace function lb_proxy.boards()
returns setof lb.board_info
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    target lb.boards;
$$;

create or replace function lb.boards()
returns setof lb.board_info
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
begin
    return query select * from lb_proxy._merge_boards(array(select b from lb_proxy.boards() as b));
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.boards, lb.boards from public;
grant execute on function lb_proxy.boards, lb.boards to lb_game_server, lb_web;
