-- Admin: recompute a board's readable periods (or one of them) from the session log, and
-- bump its epoch so bridges rebuild its index. For repairs (a restored backup, a manual
-- edit, a bug) and for `leaderboard boards recompute`. Like a backfill it locks sessions
-- against inserts while it runs: submits wait (none is lost or counted twice). Returns the
-- entries written.
create or replace function lb.recompute_board(p_board text, p_period timestamptz default null)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_board lb.boards;
    v_from bigint;
    v_to bigint;
    v_entries bigint;
begin
    v_board := lb._board(p_board);
    lock table lb.game_sessions in share mode;
    v_to := lb._period_number(v_board, lb._now());
    v_from := v_to - v_board.retain_periods;
    if p_period is not null then
        v_from := lb._period_number(v_board, lb._resolve_period(v_board, p_period));
        v_to := v_from;
    end if;
    delete from lb.board_entries as e
    where
        e.board_no = v_board.board_no
        and e.period_start >= lb._period_start(v_board, v_from)
        and e.period_start < lb._period_end(v_board, lb._period_start(v_board, v_to));
    delete from lb.board_buckets as k
    where
        k.board_no = v_board.board_no
        and k.period_start >= lb._period_start(v_board, v_from)
        and k.period_start < lb._period_end(v_board, lb._period_start(v_board, v_to));
    v_entries := lb._fill_board(v_board, 0, v_from, v_to);
    update lb.boards as b set epoch = b.epoch + 1 where b.board_no = v_board.board_no;
    perform lb._boards_changed();
    return v_entries;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.recompute_board from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.recompute_board to lb_web;
