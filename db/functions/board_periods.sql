-- A board's readable periods, newest first: the current one and up to retain_periods before
-- it (those overlapping the board's window), with how many players each has. An all-time
-- board has one period, with null bounds.
create or replace function lb.board_periods(p_board text default 'global')
returns table (period_start timestamptz, period_end timestamptz, players bigint)
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_board lb.boards;
    v_current bigint;
begin
    v_board := lb._board(p_board);
    v_current := lb._period_number(v_board, lb._now());
    return query
    select
        nullif(p.period_start, '-infinity'),
        nullif(lb._period_end(v_board, p.period_start), 'infinity'),
        coalesce((
            select sum(k.players)
            from lb.board_buckets as k
            where k.board_no = v_board.board_no and k.period_start = p.period_start
        ), 0)::bigint
    from (
        select lb._period_start(v_board, n) as period_start
        from generate_series(
            v_current,
            case when v_board.reset = 'never' then v_current else v_current - v_board.retain_periods end,
            -1
        ) as n
    ) as p
    where
        (v_board.starts_at is null or lb._period_end(v_board, p.period_start) > v_board.starts_at)
        and (v_board.ends_at is null or p.period_start < v_board.ends_at)
    order by p.period_start desc;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.board_periods from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.board_periods to lb_game_server, lb_web;
