-- The numeric limits of the SQL API by name, for clients that validate before they call and
-- for the parity test that holds Python's copy (leaderboard/rules.py) to them. Each limit is
-- one private function that the checks call.
create or replace function lb.limits()
returns table (name text, value bigint)
language sql
immutable
security definer
set search_path = pg_catalog, pg_temp
as $$
    values
    ('max_score', lb._max_score()::bigint),
    ('max_value', lb._max_value()),
    ('max_page', lb._max_page()::bigint),
    ('max_radius', lb._max_radius()::bigint),
    ('max_key_length', lb._max_key_length()::bigint),
    ('max_username_length', lb._max_username_length()::bigint),
    ('max_retain_periods', lb._max_retain_periods()::bigint),
    -- times in epoch seconds (max_time's last microsecond left out), a length in seconds
    ('min_time', extract(epoch from lb._min_time())::bigint),
    ('max_time', floor(extract(epoch from lb._max_time()))::bigint),
    ('max_reset_every', extract(epoch from lb._max_reset_every())::bigint)
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.limits from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.limits to lb_game_server, lb_web, lb_bridge;
