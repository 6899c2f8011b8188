-- Competition rank of a total: 1 + the number of players with a strictly higher total.
-- Exact: the histogram and the in-bucket count are read in one statement, one snapshot.
create or replace function lb._rank_of_total(p_total bigint)
returns bigint
language sql
stable
as $$
    select 1
        + coalesce((
            select sum(b.players)
            from lb.score_buckets as b
            where b.bucket > lb._score_bucket(p_total)
        ), 0)::bigint
        + (
            select count(*)
            from lb.leaderboard as l
            where
                l.total_score > p_total
                and l.total_score < lb._bucket_floor(lb._score_bucket(p_total) + 1)
        )
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._rank_of_total from public, lb_game_server, lb_web, lb_bridge;
