-- Compute a board's entries from the session log and insert them in bulk: sessions with
-- id >= p_first_session in periods p_from..p_to (numbers, see lb._period_number) that the
-- board accepts (mode, window). Inserted with created_xid null, so the row triggers stay
-- quiet (the histogram is added here in one aggregate), and changed_xid 0, so the feed's
-- index skips them: the caller makes room (a new board, new players, or periods it deleted)
-- and moves an epoch, so bridges rebuild the board rather than read these as changes.
-- The values are the ones lb.submit_score reaches, whatever order sessions committed in:
-- sum, or the best score; tie_at on 'earliest' boards is the start of the latest session
-- that raised a sum (the first one while it is 0), or the first that reached the best score.
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
    with sessions as (
        select
            lb._period_of(p_board, s.played_at) as period_start,
            s.user_id,
            s.score,
            s.played_at
        from lb.game_sessions as s
        where
            s.id >= p_first_session
            and (p_board.game_mode is null or s.game_mode = p_board.game_mode)
            and (p_board.starts_at is null or s.played_at >= p_board.starts_at)
            and (p_board.ends_at is null or s.played_at < p_board.ends_at)
            and s.played_at >= v_from
            and s.played_at < v_to
    ),

    inserted as (
        insert into lb.board_entries (
            board_no, period_start, user_id, value, tie_at, updated_at, changed_xid, created_xid
        )
        select
            p_board.board_no,
            s.period_start,
            s.user_id,
            case when p_board.aggregate = 'sum' then sum(s.score) else max(s.score) end,
            case
                when p_board.tie_break = 'shared' then '-infinity'::timestamptz
                when p_board.aggregate = 'sum'
                    then coalesce(max(s.played_at) filter (where s.score > 0), min(s.played_at))
                else (array_agg(s.played_at order by s.score desc, s.played_at))[1]
            end,
            clock_timestamp(),
            '0'::xid8,
            null
        from sessions as s
        group by s.period_start, s.user_id
        returning period_start, value
    ),

    buckets as (
        insert into lb.board_buckets as b (board_no, period_start, bucket, players)
        select p_board.board_no, i.period_start, lb._score_bucket(i.value), count(*)
        from inserted as i
        group by i.period_start, lb._score_bucket(i.value)
        order by i.period_start, lb._score_bucket(i.value)
        on conflict (board_no, period_start, bucket) do update set players = b.players + excluded.players
        returning b.players
    )

    select count(*) into v_rows from inserted;
    return v_rows;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._fill_board from public, lb_game_server, lb_web, lb_bridge;
