-- lb.update_board on every shard; not atomic across shards (see create_board.sql).
create or replace function lb_proxy.update_board(
    p_board text, p_enabled boolean, p_retain_periods integer, p_ends_at timestamptz, p_game_mode text,
    p_aggregate text, p_reset text, p_time_zone text, p_tie_break text, p_starts_at timestamptz,
    p_reset_every interval, p_reset_anchor timestamp
)
returns setof lb.board_info
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    target lb.update_board;
$$;

create or replace function lb.update_board(
    p_board text,
    p_enabled boolean default null,
    p_retain_periods integer default null,
    p_ends_at timestamptz default null,
    p_game_mode text default null,
    p_aggregate text default null,
    p_reset text default null,
    p_time_zone text default null,
    p_tie_break text default null,
    p_starts_at timestamptz default null,
    p_reset_every interval default null,
    p_reset_anchor timestamp default null
)
returns setof lb.board_info
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
begin
    return query select * from lb_proxy._merge_boards(array(
        select b from lb_proxy.update_board(
            p_board, p_enabled, p_retain_periods, p_ends_at, p_game_mode, p_aggregate, p_reset,
            p_time_zone, p_tie_break, p_starts_at, p_reset_every, p_reset_anchor
        ) as b
    ));
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.update_board, lb.update_board from public;
grant execute on function lb_proxy.update_board, lb.update_board to lb_web;
