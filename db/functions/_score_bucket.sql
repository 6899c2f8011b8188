-- The histogram bucket of a total: fixed-width buckets of 10,000 points. At the seeded
-- distribution (1M players, totals up to ~10M) that is ~1,000 buckets of ~1,000 players.
create or replace function lb._score_bucket(p_total bigint)
returns bigint
language sql
immutable
parallel safe
return p_total / 10000;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._score_bucket from public, lb_game_server, lb_web, lb_bridge;
