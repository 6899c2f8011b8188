-- The time range [p_from, p_to) of a board's readable periods: every period it keeps (the
-- current one and retain_periods before it) when p_period is null, else that one period
-- (checked like every read's: a period start, begun, not pruned). For verify and repair.
create or replace function lb._readable_range(
    p_board lb.boards, p_period timestamptz, out p_from timestamptz, out p_to timestamptz
)
language plpgsql
stable
as $$
declare
    v_first bigint;
    v_last bigint;
begin
    if p_period is null then
        v_last := lb._period_number(p_board, lb._now());
        v_first := v_last - p_board.retain_periods;
    else
        v_first := lb._period_number(p_board, lb._resolve_period(p_board, p_period));
        v_last := v_first;
    end if;
    p_from := lb._period_start(p_board, v_first);
    p_to := lb._period_end(p_board, lb._period_start(p_board, v_last));
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._readable_range from public, lb_game_server, lb_web, lb_bridge;
