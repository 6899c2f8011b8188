-- Which period of a board an instant falls in, as a number that counts periods: the one
-- definition of "period" that writes, reads, the feed and backfill share. Calendar resets
-- (daily, weekly on ISO weeks from Monday 00:00, monthly) and fixed lengths of whole days
-- follow the board's wall clock, so a Europe/Berlin daily board has a 23-hour day in March
-- and a 28-day season always starts at the same local time; fixed lengths under a day
-- (reset_every of hours, minutes, seconds) are absolute durations from the anchor.
-- Inlined into callers (one SQL expression), so a submit pays no function call per board.
create or replace function lb._period_number(p_board lb.boards, p_at timestamptz)
returns bigint
language sql
stable
parallel safe
return case p_board.reset
    when 'never' then 0
    when 'daily' then (p_at at time zone p_board.time_zone)::date - date '1970-01-01'
    -- 1970-01-05 was a Monday
    when 'weekly' then floor(((p_at at time zone p_board.time_zone)::date - date '1970-01-05') / 7.0)
    when 'monthly'
        then
            extract(year from p_at at time zone p_board.time_zone)::bigint * 12
            + extract(month from p_at at time zone p_board.time_zone)::bigint - 1
    when 'fixed' then floor(
        extract(epoch from case
            when extract(epoch from p_board.reset_every) = extract(day from p_board.reset_every) * 86400
                then (p_at at time zone p_board.time_zone) - p_board.reset_anchor
            else p_at - (p_board.reset_anchor at time zone p_board.time_zone)
        end) / extract(epoch from p_board.reset_every)
    )
end;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._period_number from public, lb_game_server, lb_web, lb_bridge;
