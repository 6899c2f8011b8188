-- Refuse (22023, COLUMN p_argument) a time outside lb._min_time() .. lb._max_time(),
-- infinities included; null passes (the callers give null its own meaning).
create or replace function lb._check_time(p_argument text, p_value timestamptz)
returns void
language plpgsql
immutable
as $$
begin
    if p_value is not null and not (p_value between lb._min_time() and lb._max_time()) then
        perform lb._invalid_argument(p_argument, lb._time_range_rule(), p_value::text);
    end if;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._check_time from public, lb_game_server, lb_web, lb_bridge;
