-- The rule a time outside lb._min_time() .. lb._max_time() breaks, as error messages say it.
create or replace function lb._time_range_rule()
returns text
language sql
immutable
parallel safe
return format(
    'must be a time from %s to %s',
    to_char(lb._min_time() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    to_char(lb._max_time() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
);

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._time_range_rule from public, lb_game_server, lb_web, lb_bridge;
