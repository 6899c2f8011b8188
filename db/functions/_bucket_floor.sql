-- The lowest value in a histogram bucket; the exact inverse of lb._score_bucket.
create or replace function lb._bucket_floor(p_bucket bigint)
returns bigint
language sql
immutable
parallel safe
return case
    when p_bucket < 1000 then p_bucket
    else ((p_bucket - 1000) % 900 + 100) * power(10, (p_bucket - 1000) / 900 + 1)::bigint
end;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._bucket_floor from public, lb_game_server, lb_web, lb_bridge;
