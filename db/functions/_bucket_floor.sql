-- The lowest total in a histogram bucket; the inverse of lb._score_bucket.
create or replace function lb._bucket_floor(p_bucket bigint)
returns bigint
language sql
immutable
parallel safe
return p_bucket * 10000;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._bucket_floor from public, lb_game_server, lb_web, lb_bridge;
