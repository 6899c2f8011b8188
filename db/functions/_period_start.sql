-- The first instant of period number p_period of a board (see lb._period_number); the end of
-- a period is the start of the next. The one period of a board that never resets starts at
-- -infinity (and ends at infinity); the public functions show those as null.
create or replace function lb._period_start(p_board lb.boards, p_period bigint)
returns timestamptz
language sql
stable
parallel safe
return case p_board.reset
    when 'never' then case when p_period <= 0 then '-infinity'::timestamptz else 'infinity' end
    when 'daily' then (date '1970-01-01' + p_period::integer)::timestamp at time zone p_board.time_zone
    when 'weekly'
        then
            (date '1970-01-05' + 7 * p_period::integer)::timestamp at time zone p_board.time_zone
    when 'monthly'
        then
            make_timestamp(
                (p_period / 12)::integer, (p_period % 12)::integer + 1, 1, 0, 0, 0
            ) at time zone p_board.time_zone
    when 'fixed' then case
        when extract(epoch from p_board.reset_every) = extract(day from p_board.reset_every) * 86400
            then (p_board.reset_anchor + p_period * p_board.reset_every) at time zone p_board.time_zone
        else (p_board.reset_anchor at time zone p_board.time_zone) + p_period * p_board.reset_every
    end
end;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._period_start from public, lb_game_server, lb_web, lb_bridge;
