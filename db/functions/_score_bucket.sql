-- The histogram bucket of a value: three significant digits. Values under 1,000 have a bucket
-- each; above, a bucket spans 1% of its values (1,000-1,009, ..., 9,990-9,999, 10,000-10,099,
-- ...), 900 buckets a decade, at most ~12,700 for values up to 2^53. Fixed-width buckets
-- (10,000 points) put 60k-80k players in one bucket of a best-score or weekly board at 1M
-- players, where scores bunch near 0, and a rank counts inside its bucket: p99 67 ms. Integer
-- arithmetic only, so lb._bucket_floor is its exact inverse.
create or replace function lb._score_bucket(p_value bigint)
returns bigint
language sql
immutable
parallel safe
return case
    when p_value < 1000 then p_value
    else
        1000 + (length(p_value::text) - 4) * 900
        + p_value / power(10, length(p_value::text) - 3)::bigint - 100
end;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._score_bucket from public, lb_game_server, lb_web, lb_bridge;
