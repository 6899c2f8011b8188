-- lb.board_periods over every shard: each readable period once, its players summed.
create or replace function lb_proxy.board_periods(p_board text)
returns table (period_start timestamptz, period_end timestamptz, players bigint)
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    target lb.board_periods;
$$;

create or replace function lb.board_periods(p_board text default 'global')
returns table (period_start timestamptz, period_end timestamptz, players bigint)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
begin
    return query
    select p.period_start, p.period_end, sum(p.players)::bigint
    from lb_proxy.board_periods(p_board) as p
    group by p.period_start, p.period_end
    order by p.period_start desc nulls first;
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.board_periods, lb.board_periods from public;
grant execute on function lb_proxy.board_periods, lb.board_periods to lb_game_server, lb_web;
