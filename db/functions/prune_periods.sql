-- Maintenance (the bridge runs it every minute): delete the values and histogram rows of
-- periods older than each board's retention, and of boards that were deleted (a submit that
-- raced a delete can leave an entry behind). Never touches the session log: a recompute can
-- bring a period back while it is still readable. Returns the entries deleted.
create or replace function lb.prune_periods()
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_board lb.boards;
    v_oldest timestamptz;
    v_orphan integer;
    v_rows bigint;
    v_deleted bigint := 0;
begin
    for v_board in select b.* from lb.boards as b where b.reset <> 'never' loop
        -- a board whose periods cannot be computed (lb.feed_boards reports it) keeps its
        -- rows until it can; the others are pruned
        begin
            v_oldest := lb._period_start(
                v_board, lb._period_number(v_board, lb._now()) - v_board.retain_periods
            );
        exception when others then
            raise warning 'lb.prune_periods: board % skipped: %', v_board.board_id, sqlerrm;
            continue;
        end;
        delete from lb.board_entries as e
        where e.board_no = v_board.board_no and e.period_start < v_oldest;
        get diagnostics v_rows = row_count;
        v_deleted := v_deleted + v_rows;
        delete from lb.board_buckets as k
        where k.board_no = v_board.board_no and k.period_start < v_oldest;
    end loop;
    -- board numbers are never reused, so every number up to the sequence's is a board or gone
    for v_orphan in
        select n.board_no
        from generate_series(
            1,
            coalesce(pg_sequence_last_value(pg_get_serial_sequence('lb.boards', 'board_no')::regclass), 0)
        ) as n (board_no)
        where
            not exists (select from lb.boards as b where b.board_no = n.board_no)
            and (
                exists (select from lb.board_entries as e where e.board_no = n.board_no)
                or exists (select from lb.board_buckets as k where k.board_no = n.board_no)
            )
    loop
        delete from lb.board_entries as e where e.board_no = v_orphan;
        get diagnostics v_rows = row_count;
        v_deleted := v_deleted + v_rows;
        delete from lb.board_buckets as k where k.board_no = v_orphan;
    end loop;
    return v_deleted;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.prune_periods from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.prune_periods to lb_bridge;
