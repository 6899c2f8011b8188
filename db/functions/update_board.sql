-- Admin: change what can change without changing what a board's values mean: enabled,
-- retain_periods, ends_at (not into the past; 'infinity' removes the end). The arguments
-- that would change meaning (mode, aggregate, reset, time zone, ties, start) are accepted
-- only to refuse a change with a clear error: create a new board instead. Null leaves a
-- setting as it is. `global` is the default board everywhere: it cannot be disabled or end.
create or replace function lb.update_board(
    p_board text,
    p_enabled boolean default null,
    p_retain_periods integer default null,
    p_ends_at timestamptz default null,
    p_game_mode text default null,
    p_aggregate text default null,
    p_reset text default null,
    p_time_zone text default null,
    p_tie_break text default null,
    p_starts_at timestamptz default null,
    p_reset_every interval default null,
    p_reset_anchor timestamp default null
)
returns setof lb.board_info
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_board lb.boards;
    v_fixed text;
    v_next bigint;
begin
    v_board := lb._board(p_board);
    select f.name into v_fixed
    from (values
        (1, 'p_game_mode', p_game_mode is not null and p_game_mode is distinct from v_board.game_mode),
        (2, 'p_aggregate', p_aggregate is not null and p_aggregate is distinct from v_board.aggregate),
        (3, 'p_reset', p_reset is not null and p_reset is distinct from v_board.reset),
        (4, 'p_time_zone', p_time_zone is not null and p_time_zone is distinct from v_board.time_zone),
        (5, 'p_tie_break', p_tie_break is not null and p_tie_break is distinct from v_board.tie_break),
        (6, 'p_starts_at', p_starts_at is not null and p_starts_at is distinct from v_board.starts_at),
        (7, 'p_reset_every', p_reset_every is not null and p_reset_every is distinct from v_board.reset_every),
        (8, 'p_reset_anchor', p_reset_anchor is not null and p_reset_anchor is distinct from v_board.reset_anchor)
    ) as f (n, name, changed)
    where f.changed
    order by f.n
    limit 1;
    if v_fixed is not null then
        raise exception using
            errcode = 'invalid_parameter_value',
            message = format(
                '%s cannot be changed: it would change what the values of board %L mean; '
                'create a new board instead', v_fixed, v_board.board_id
            ),
            column = v_fixed;
    end if;
    if p_retain_periods is not null and p_retain_periods not between 0 and lb._max_retain_periods() then
        perform lb._invalid_argument(
            'p_retain_periods', format('must be an integer from 0 to %s', lb._max_retain_periods()),
            p_retain_periods::text
        );
    end if;
    if p_ends_at is not null and p_ends_at <> 'infinity' then
        perform lb._check_time('p_ends_at', p_ends_at);
        if p_ends_at < lb._now() then
            perform lb._invalid_argument(
                'p_ends_at', 'must not be in the past: sessions before it are already counted',
                p_ends_at::text
            );
        end if;
        if p_ends_at <= v_board.starts_at then
            perform lb._invalid_argument('p_ends_at', 'must be after the board''s starts_at', p_ends_at::text);
        end if;
    end if;
    if v_board.board_id = 'global' and (p_enabled is false or (p_ends_at is not null and p_ends_at <> 'infinity')) then
        perform lb._invalid_argument(
            case when p_enabled is false then 'p_enabled' else 'p_ends_at' end,
            'cannot be set on board ''global'', the default board, which counts every session',
            coalesce(p_enabled::text, p_ends_at::text)
        );
    end if;

    if p_enabled is distinct from v_board.enabled and p_enabled is not null then
        -- the sessions it counts start or stop here: with sessions locked against inserts,
        -- as lb.create_board takes them, so no session is counted without being recorded
        lock table lb.game_sessions in share mode;
        v_next := lb._next_session_id();
    end if;
    update lb.boards as b
    set
        counted_sessions = case
            when v_next is null then b.counted_sessions
            when p_enabled then b.counted_sessions + int8multirange(int8range(v_next, null))
            else b.counted_sessions - int8multirange(int8range(v_next, null))
        end,
        enabled = coalesce(p_enabled, b.enabled),
        retain_periods = coalesce(p_retain_periods, b.retain_periods),
        ends_at = case
            when p_ends_at is null then b.ends_at
            when p_ends_at = 'infinity' then null
            else p_ends_at
        end
    where b.board_no = v_board.board_no
    returning b.* into v_board;
    perform lb._check_board_range(v_board);
    perform lb._boards_changed();
    return next lb._describe_board(v_board);
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.update_board from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.update_board to lb_web;
