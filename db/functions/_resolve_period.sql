-- The period a read asks for, as its start: null means the current period; otherwise it must
-- be the start of one of the board's readable periods, the current one or one of the
-- retain_periods before it. A time outside lb._min_time() .. lb._max_time() is 22023;
-- anything else is P0002 (COLUMN p_period): not a start of this board's periods, older than
-- its retention, or not begun yet. An all-time board has one period, asked for with null (or
-- -infinity).
create or replace function lb._resolve_period(p_board lb.boards, p_period timestamptz)
returns timestamptz
language plpgsql
stable
as $$
declare
    v_current bigint;
    v_asked bigint;
    v_problem text;
begin
    if p_period is null then
        return lb._period_of(p_board, lb._now());
    end if;
    if p_board.reset = 'never' and p_period = '-infinity' then
        return p_period;
    end if;
    -- outside the times a board may have: a bad argument, not a period it lacks
    perform lb._check_time('p_period', p_period);
    if p_board.reset = 'never' then
        v_problem := 'board %s never resets: its one period is asked for with null';
    else
        v_current := lb._period_number(p_board, lb._now());
        v_asked := lb._period_number(p_board, p_period);
        if lb._period_start(p_board, v_asked) <> p_period then
            v_problem := 'is not a period start of board %s';
        elsif v_asked > v_current then
            v_problem := 'has not begun on board %s';
        elsif v_asked < v_current - p_board.retain_periods then
            v_problem := format(
                'is older than the %s periods board %%s keeps', p_board.retain_periods
            );
        end if;
    end if;
    if v_problem is not null then
        raise exception using
            errcode = 'no_data_found',
            message = format(
                'p_period %s ' || v_problem, quote_literal(p_period::text), quote_literal(p_board.board_id)
            ),
            column = 'p_period';
    end if;
    return p_period;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._resolve_period from public, lb_game_server, lb_web, lb_bridge;
