-- The rank of an entry (value, tie_at, user_id) in one board-period. Shared ties: competition
-- rank, 1 + the entries with a strictly higher value (100, 100, 90 rank 1, 1, 3). Earliest
-- ties: every entry has its own rank, 1 + the entries before it in (value desc, tie_at,
-- user_id) order. The higher buckets come from the histogram, the rest from one bucket's
-- index range; both in one statement, one snapshot, so the rank is exact.
create or replace function lb._rank_in_period(
    p_board_no integer,
    p_period timestamptz,
    p_tie_break text,
    p_value bigint,
    p_tie_at timestamptz,
    p_user_id bigint
)
returns bigint
language sql
stable
as $$
    select 1
        + coalesce((
            select sum(b.players)
            from lb.board_buckets as b
            where
                b.board_no = p_board_no
                and b.period_start = p_period
                and b.bucket > lb._score_bucket(p_value)
        ), 0)::bigint
        + (
            select count(*)
            from lb.board_entries as e
            where
                e.board_no = p_board_no
                and e.period_start = p_period
                and e.value > p_value
                and e.value < lb._bucket_floor(lb._score_bucket(p_value) + 1)
        )
        + case when p_tie_break = 'earliest' then (
            select count(*)
            from lb.board_entries as e
            where
                e.board_no = p_board_no
                and e.period_start = p_period
                and e.value = p_value
                and (e.tie_at, e.user_id) < (p_tie_at, p_user_id)
        ) else 0 end
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._rank_in_period from public, lb_game_server, lb_web, lb_bridge;
