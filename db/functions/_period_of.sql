-- The start of the period of a board that contains an instant: lb._period_start(p_board,
-- lb._period_number(p_board, p_at)) written out as one expression of p_at, so that it is
-- inlined where writes and bulk fills need it per row (composed, the inner call is an
-- expensive argument used several times, which stops PostgreSQL from inlining the outer one:
-- measured 55 us a call in lb.submit_score). tests/db/test_periods.py checks that the two
-- agree.
create or replace function lb._period_of(p_board lb.boards, p_at timestamptz)
returns timestamptz
language sql
stable
parallel safe
return case p_board.reset
    when 'never' then '-infinity'::timestamptz
    when 'daily'
        then
            ((p_at at time zone p_board.time_zone)::date)::timestamp at time zone p_board.time_zone
    -- ISO weeks: date_trunc's 'week' starts on Monday (half the cost of day arithmetic over
    -- 5M sessions in a bulk fill)
    when 'weekly'
        then date_trunc('week', p_at at time zone p_board.time_zone) at time zone p_board.time_zone
    when 'monthly'
        then
            date_trunc('month', p_at at time zone p_board.time_zone) at time zone p_board.time_zone
    when 'fixed' then case
        when extract(epoch from p_board.reset_every) = extract(day from p_board.reset_every) * 86400
            then (
                p_board.reset_anchor
                + floor(
                    extract(epoch from (p_at at time zone p_board.time_zone) - p_board.reset_anchor)
                    / extract(epoch from p_board.reset_every)
                )::bigint * p_board.reset_every
            ) at time zone p_board.time_zone
        else
            (p_board.reset_anchor at time zone p_board.time_zone)
            + floor(
                extract(epoch from p_at - (p_board.reset_anchor at time zone p_board.time_zone))
                / extract(epoch from p_board.reset_every)
            )::bigint * p_board.reset_every
    end
end;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._period_of from public, lb_game_server, lb_web, lb_bridge;
