-- The end of the period that starts at p_start (the start of the next one); infinity for the
-- one period of a board that never resets.
create or replace function lb._period_end(p_board lb.boards, p_start timestamptz)
returns timestamptz
language sql
stable
parallel safe
as $$
    select case
        when p_board.reset = 'never' then 'infinity'::timestamptz
        else lb._period_start(p_board, lb._period_number(p_board, p_start) + 1)
    end
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._period_end from public, lb_game_server, lb_web, lb_bridge;
