-- A board as the public functions show it: its definition, its current period (null bounds
-- for an all-time board), when it next resets, and how many players the current period has.
create or replace function lb._describe_board(p_board lb.boards)
returns lb.board_info
language sql
stable
as $$
    select row(
        p_board.board_id,
        p_board.game_mode,
        p_board.aggregate,
        p_board.reset,
        p_board.reset_every,
        p_board.reset_anchor,
        p_board.time_zone,
        p_board.tie_break,
        p_board.retain_periods,
        p_board.starts_at,
        p_board.ends_at,
        p_board.enabled,
        nullif(c.period_start, '-infinity'),
        nullif(lb._period_end(p_board, c.period_start), 'infinity'),
        nullif(lb._period_end(p_board, c.period_start), 'infinity'),
        coalesce((
            select sum(k.players)
            from lb.board_buckets as k
            where k.board_no = p_board.board_no and k.period_start = c.period_start
        ), 0)::bigint,
        p_board.created_at
    )::lb.board_info
    from (select lb._period_of(p_board, lb._now()) as period_start) as c
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._describe_board from public, lb_game_server, lb_web, lb_bridge;
