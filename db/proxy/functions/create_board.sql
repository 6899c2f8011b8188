-- lb.create_board on every shard, so each has the same definition (a backfill fills each
-- shard's own players). Not atomic across shards: PL/Proxy commits on each shard on its own,
-- so a call that fails with 08001/08006 (a shard down) has created the board on the shards that
-- were up; create it again on the missing shard once it is back (docs/SCALING.md).
create or replace function lb_proxy.create_board(
    p_board_id text, p_game_mode text, p_aggregate text, p_reset text, p_time_zone text, p_tie_break text,
    p_retain_periods integer, p_reset_every interval, p_reset_anchor timestamp, p_starts_at timestamptz,
    p_ends_at timestamptz, p_enabled boolean, p_backfill boolean
)
returns setof lb.board_info
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    target lb.create_board;
$$;

create or replace function lb.create_board(
    p_board_id text,
    p_game_mode text default null,
    p_aggregate text default 'sum',
    p_reset text default 'never',
    p_time_zone text default 'UTC',
    p_tie_break text default 'shared',
    p_retain_periods integer default 8,
    p_reset_every interval default null,
    p_reset_anchor timestamp default null,
    p_starts_at timestamptz default null,
    p_ends_at timestamptz default null,
    p_enabled boolean default true,
    p_backfill boolean default false
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
        select b from lb_proxy.create_board(
            p_board_id, p_game_mode, p_aggregate, p_reset, p_time_zone, p_tie_break, p_retain_periods,
            p_reset_every, p_reset_anchor, p_starts_at, p_ends_at, p_enabled, p_backfill
        ) as b
    ));
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.create_board, lb.create_board from public;
grant execute on function lb_proxy.create_board, lb.create_board to lb_web;
