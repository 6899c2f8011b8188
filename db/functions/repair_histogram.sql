-- Admin: make a board's rank-histogram rows count its entries again (all readable periods
-- when p_period is null, else that one). Locks only the rows that disagree, in order, then
-- counts their buckets in a later statement: a submit committing meanwhile moves its player
-- between buckets after us, on top of the recount. It takes no entry lock, so it cannot
-- deadlock with submits. (A bucket with no row at all, created by a submit committing
-- during the recount, can be left off by that one player: the next verify says so.) Returns the rows it corrected; 0 on a consistent board. Run it
-- after lb.repair_board, in a transaction of its own.
create or replace function lb.repair_histogram(p_board text, p_period timestamptz default null)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_board lb.boards;
    v_from timestamptz;
    v_to timestamptz;
    v_periods timestamptz[];
    v_buckets bigint[];
    v_fixed bigint;
begin
    v_board := lb._board(p_board);
    select r.p_from, r.p_to into v_from, v_to from lb._readable_range(v_board, p_period) as r;
    select
        array_agg(h.period_start order by h.period_start, h.bucket),
        array_agg(h.bucket order by h.period_start, h.bucket)
    into v_periods, v_buckets
    from lb._histogram_mismatches(v_board, v_from, v_to) as h;
    if v_periods is null then
        return 0;
    end if;
    perform
    from lb.board_buckets as b
    join unnest(v_periods, v_buckets) as w (period_start, bucket)
        on b.period_start = w.period_start and b.bucket = w.bucket
    where b.board_no = v_board.board_no
    order by b.period_start, b.bucket
    for update of b;

    -- one pass over the periods' entries, not one per bucket
    insert into lb.board_buckets as b (board_no, period_start, bucket, players)
    select v_board.board_no, w.period_start, w.bucket, coalesce(c.players, 0)
    from unnest(v_periods, v_buckets) as w (period_start, bucket)
    left join (
        select e.period_start, lb._score_bucket(e.value) as bucket, count(*) as players
        from lb.board_entries as e
        where e.board_no = v_board.board_no and e.period_start = any(v_periods)
        group by e.period_start, lb._score_bucket(e.value)
    ) as c
        on w.period_start = c.period_start and w.bucket = c.bucket
    order by w.period_start, w.bucket
    on conflict (board_no, period_start, bucket) do update set players = excluded.players
    where b.players <> excluded.players;
    get diagnostics v_fixed = row_count;
    return v_fixed;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.repair_histogram from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.repair_histogram to lb_web;
