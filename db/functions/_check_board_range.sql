-- Refuse (22023) a board whose readable periods, from the oldest it keeps to the end of the
-- current one, would not lie within lb._min_time() .. lb._max_time(): the current period is
-- checked first (its length is at fault: p_reset_every, or p_reset_anchor placing it), then
-- the retained ones (p_retain_periods). lb.create_board and lb.update_board call it before
-- they write, so every board that exists can be listed, read, fed and pruned (a board that
-- kept 1000 periods of ten years reached back before 4713 BC and stopped the bridge for
-- every board, issue 27). Time only moves the readable range forward, a century at most past
-- now (lb._max_reset_every), so a board that passes stays readable.
create or replace function lb._check_board_range(p_board lb.boards)
returns void
language plpgsql
stable
as $$
declare
    v_current bigint;
    v_start timestamptz;
    v_end timestamptz;
    v_oldest timestamptz;
begin
    if p_board.reset = 'never' then
        return;
    end if;
    begin
        v_current := lb._period_number(p_board, lb._now());
        v_start := lb._period_start(p_board, v_current);
        v_end := lb._period_end(p_board, v_start);
    exception when datetime_field_overflow or interval_field_overflow or numeric_value_out_of_range then
        v_end := null;
    end;
    if v_end is null or v_start < lb._min_time() or v_end > lb._max_time() then
        perform lb._invalid_argument(
            case when p_board.reset = 'fixed' then 'p_reset_every' else 'p_reset' end,
            'places the current period outside the times a board may have ('
            || lb._time_range_rule() || ')',
            coalesce(p_board.reset_every::text, p_board.reset)
        );
    end if;
    begin
        v_oldest := lb._period_start(p_board, v_current - p_board.retain_periods);
    exception when datetime_field_overflow or interval_field_overflow or numeric_value_out_of_range then
        v_oldest := null;
    end;
    if v_oldest is null or v_oldest < lb._min_time() then
        perform lb._invalid_argument(
            'p_retain_periods',
            'reaches back to periods before ' || to_char(lb._min_time() at time zone 'UTC', 'YYYY-MM-DD')
            || ', the earliest time a board may have: keep fewer periods',
            p_board.retain_periods::text
        );
    end if;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._check_board_range from public, lb_game_server, lb_web, lb_bridge;
