-- Raise the documented bad-argument error for a game mode, listing the modes lb.game_modes
-- holds (the one list of modes).
create or replace function lb._invalid_game_mode(p_game_mode text)
returns void
language plpgsql
stable
as $$
begin
    perform lb._invalid_argument(
        'p_game_mode',
        'must be one of ' || (
            select string_agg(m.game_mode, ', ' order by m.ordinal) from lb.game_modes as m
        ),
        p_game_mode
    );
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._invalid_game_mode from public, lb_game_server, lb_web, lb_bridge;
