-- Admin: make a board's entries agree with the session log again (a restored backup, a
-- manual edit, a bug), touching only the entries that disagree: their players' entries are
-- locked, then recomputed from the log by a later statement, which sees every session
-- committed before the locks were granted. A submit in flight has written its session and
-- waits for the lock; it adds to the repaired entry after us, so nothing is lost or counted
-- twice, and submits of other players never wait. Bumps the board's epoch when it changed
-- anything, so bridges rebuild its index (the index never lowers a value by itself).
-- Rank-histogram rows are lb.repair_histogram's, in a transaction of their own. Returns how
-- many entries it updated, inserted and deleted; all 0 on a consistent board.
create or replace function lb.repair_board(p_board text, p_period timestamptz default null)
returns table (updated bigint, inserted bigint, deleted bigint)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_board lb.boards;
    v_from timestamptz;
    v_to timestamptz;
    v_users bigint[];
begin
    v_board := lb._board(p_board);
    select r.p_from, r.p_to into v_from, v_to from lb._readable_range(v_board, p_period) as r;
    updated := 0;
    inserted := 0;
    deleted := 0;
    select array_agg(distinct m.user_id) into v_users
    from lb._entry_mismatches(v_board, v_from, v_to) as m;
    if v_users is null then
        return next;
        return;
    end if;

    perform
    from lb.board_entries as e
    where
        e.board_no = v_board.board_no
        and e.period_start >= v_from
        and e.period_start < v_to
        and e.user_id = any(v_users)
    order by e.period_start, e.user_id
    for update;

    update lb.board_entries as e
    set
        value = x.value,
        tie_at = x.tie_at,
        updated_at = clock_timestamp(),
        changed_xid = pg_current_xact_id()
    from lb._expected_entries(v_board, v_from, v_to, 0, v_users) as x
    where
        e.board_no = v_board.board_no
        and e.period_start = x.period_start
        and e.user_id = x.user_id
        and (e.value <> x.value or e.tie_at <> x.tie_at);
    get diagnostics updated = row_count;

    -- a submit may insert one of these meanwhile: it then keeps its own (a later verify
    -- finds it if it lacks older sessions); the row triggers count new rows in the histogram
    insert into lb.board_entries (board_no, period_start, user_id, value, tie_at)
    select v_board.board_no, x.period_start, x.user_id, x.value, x.tie_at
    from lb._expected_entries(v_board, v_from, v_to, 0, v_users) as x
    order by x.period_start, x.user_id
    on conflict (board_no, period_start, user_id) do nothing;
    get diagnostics inserted = row_count;

    -- no trigger counts a deleted row out of the histogram: done here, last, so every entry
    -- lock is held before any bucket is
    with gone as (
        delete from lb.board_entries as e
        where
            e.board_no = v_board.board_no
            and e.period_start >= v_from
            and e.period_start < v_to
            and e.user_id = any(v_users)
            and (e.period_start, e.user_id) not in (
                select x.period_start, x.user_id
                from lb._expected_entries(v_board, v_from, v_to, 0, v_users) as x
            )
        returning e.period_start, e.value
    ),

    counted as (
        update lb.board_buckets as b
        set players = b.players - g.players
        from (
            select g.period_start, lb._score_bucket(g.value) as bucket, count(*) as players
            from gone as g
            group by g.period_start, lb._score_bucket(g.value)
        ) as g
        where
            b.board_no = v_board.board_no
            and b.period_start = g.period_start
            and b.bucket = g.bucket
        returning b.bucket
    )

    select count(*) into deleted from gone;

    if updated + inserted + deleted > 0 then
        update lb.boards as b set epoch = b.epoch + 1 where b.board_no = v_board.board_no;
        perform lb._boards_changed();
    end if;
    return next;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.repair_board from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.repair_board to lb_web;
