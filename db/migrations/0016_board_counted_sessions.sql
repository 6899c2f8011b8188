-- Purpose: a board knows which sessions it counts (issue 27). A board counts the sessions
-- submitted while it is enabled, from its creation (or all of the log, when backfilled), and
-- `counted_sessions` records that as ranges of session ids, which lb.create_board and
-- lb.update_board extend or close with sessions locked against inserts. Recompute, verify,
-- repair and the bulk fill read the log through it (lb._expected_entries), so `leaderboard
-- verify` no longer reports a board created without --backfill as missing every entry of
-- the sessions before it, and --repair no longer backfills it.
--
-- Existing boards did not record it. Each gets what its values show: all of the log when its
-- entries in its readable periods are those the whole log implies (a backfilled or
-- recomputed board, `global`), else the sessions from its creation on; a board disabled now
-- is taken as having counted until now. A board that was disabled for a while before this
-- migration is reported by `leaderboard verify`; `leaderboard boards recompute` then
-- rewrites it from the ranges recorded here.
set local role lb_owner;

alter table lb.boards add column counted_sessions int8multirange not null default '{}';

do $$
declare
    v_board lb.boards;
    v_next bigint := coalesce(
        pg_sequence_last_value(pg_get_serial_sequence('lb.game_sessions', 'id')::regclass), 0
    ) + 1;
    v_from bigint;
    v_current bigint;
    v_start timestamptz;
    v_end timestamptz;
    v_all boolean;
begin
    update lb.boards as b set counted_sessions = '{(,)}' where b.board_id = 'global';
    -- the others were made by lb.create_board: the functions used here exist (on a new
    -- database, only `global` does, and the migrations run before any function is created)
    for v_board in select * from lb.boards where board_id <> 'global' order by board_no loop
        -- what the whole log implies, whichever version of lb._expected_entries is here
        v_board.counted_sessions := '{(,)}';
        v_current := lb._period_number(v_board, now());
        v_start := lb._period_start(v_board, v_current - v_board.retain_periods);
        v_end := lb._period_end(v_board, lb._period_start(v_board, v_current));
        select (x.entries, x.total) is not distinct from (a.entries, a.total) into v_all
        from (
            select count(*) as entries, sum(e.value) as total
            from lb._expected_entries(v_board, v_start, v_end, 0) as e
        ) as x,
        (
            select count(*) as entries, sum(e.value) as total
            from lb.board_entries as e
            where e.board_no = v_board.board_no and e.period_start >= v_start and e.period_start < v_end
        ) as a;
        if v_all then
            v_from := null;
        else
            select min(g.id) into v_from from lb.game_sessions as g where g.played_at >= v_board.created_at;
            v_from := coalesce(v_from, v_next);
        end if;
        update lb.boards as b
        set counted_sessions = int8multirange(
            int8range(v_from, case when v_board.enabled then null else v_next end)
        )
        where b.board_no = v_board.board_no;
    end loop;
end;
$$;
