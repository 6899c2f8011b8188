-- The periods of a board that have entries, readable or not yet pruned (an all-time board's
-- one period as null), from the histogram: what a rebuild of its index reads, period by
-- period, with lb.read_board.
create or replace function lb.board_entry_periods(p_board_no integer)
returns setof timestamptz
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select distinct nullif(k.period_start, '-infinity')
    from lb.board_buckets as k
    where k.board_no = p_board_no and k.players > 0
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.board_entry_periods from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.board_entry_periods to lb_bridge;
