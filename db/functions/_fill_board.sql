-- Compute a board's entries from the session log and insert them in bulk: sessions with
-- id >= p_first_session in periods p_from..p_to (numbers, see lb._period_number) that the
-- board accepts (mode, window). Inserted with created_xid null, so the row triggers stay
-- quiet (the histogram is added here in one aggregate), and changed_xid 0, so the feed's
-- index skips them: the caller makes room (a new board, new players, or periods it deleted)
-- and moves an epoch, so bridges rebuild the board rather than read these as changes.
-- The values come from lb._expected_entries: the ones lb.submit_score reaches.
create or replace function lb._fill_board(
    p_board lb.boards, p_first_session bigint, p_from bigint, p_to bigint
)
returns bigint
language plpgsql
as $$
declare
    v_from timestamptz := lb._period_start(p_board, p_from);
    v_to timestamptz := lb._period_end(p_board, lb._period_start(p_board, p_to));
    v_rows bigint;
begin
    with inserted as (
        insert into lb.board_entries (
            board_no, period_start, user_id, value, tie_at, updated_at, changed_xid, created_xid
        )
        select
            p_board.board_no,
            x.period_start,
            x.user_id,
            x.value,
            x.tie_at,
            clock_timestamp(),
            '0'::xid8,
            null
        from lb._expected_entries(p_board, v_from, v_to, p_first_session) as x
        returning period_start, value
    ),
    counted as (
        select i.period_start, lb._score_bucket(i.value) as bucket, count(*) as players
        from inserted as i
        group by 1, 2
    ),
    buckets as (
        insert into lb.board_buckets as b (board_no, period_start, bucket, players)
        select p_board.board_no, c.period_start, c.bucket, c.players
        from counted as c
        order by c.period_start, c.bucket
        on conflict (board_no, period_start, bucket) do update set players = b.players + excluded.players
    )
    select coalesce(sum(c.players), 0) into v_rows from counted as c;
    return v_rows;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._fill_board from public, lb_game_server, lb_web, lb_bridge;
