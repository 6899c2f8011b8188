-- Rank-histogram rows of a board in [p_from, p_to) that disagree with the entries they count
-- (a bucket with players but no row counts as a row of 0).
create or replace function lb._histogram_mismatches(
    p_board lb.boards, p_from timestamptz, p_to timestamptz
)
returns table (period_start timestamptz, bucket bigint, expected bigint, found bigint)
language sql
stable
as $$
    select
        coalesce(c.period_start, k.period_start),
        coalesce(c.bucket, k.bucket),
        coalesce(c.players, 0),
        coalesce(k.players, 0)
    from (
        select e.period_start, lb._score_bucket(e.value) as bucket, count(*) as players
        from lb.board_entries as e
        where e.board_no = p_board.board_no and e.period_start >= p_from and e.period_start < p_to
        group by e.period_start, lb._score_bucket(e.value)
    ) as c
    full join (
        select b.period_start, b.bucket, b.players
        from lb.board_buckets as b
        where b.board_no = p_board.board_no and b.period_start >= p_from and b.period_start < p_to
    ) as k
        on c.period_start = k.period_start and c.bucket = k.bucket
    where coalesce(c.players, 0) <> coalesce(k.players, 0)
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._histogram_mismatches from public, lb_game_server, lb_web, lb_bridge;
