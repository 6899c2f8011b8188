-- A player's value and exact rank on a board in one period (default: `global`, the current
-- period), with the period's bounds (null for an all-time board). A player with nothing on
-- that board-period has value 0 and rank null. total_score is the board's value: the sum of
-- the player's scores, or their best score on a `best` board.
create or replace function lb.player_rank(
    p_user_id bigint,
    p_board text default 'global',
    p_period timestamptz default null
)
returns table (
    user_id bigint,
    username text,
    total_score bigint,
    rank bigint,
    period_start timestamptz,
    period_end timestamptz
)
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_board lb.boards;
    v_period timestamptz;
begin
    if p_user_id is null or p_user_id <= 0 then
        perform lb._invalid_argument('p_user_id', 'must be a positive integer', p_user_id::text);
    end if;
    v_board := lb._board(p_board);
    v_period := lb._resolve_period(v_board, p_period);
    return query
    select
        u.id,
        u.username,
        coalesce(e.value, 0),
        case when e.user_id is not null then lb._rank_in_period(
            v_board.board_no, v_period, v_board.tie_break, e.value, e.tie_at, e.user_id
        ) end,
        nullif(v_period, '-infinity'),
        nullif(lb._period_end(v_board, v_period), 'infinity')
    from lb.users as u
    left join lb.board_entries as e
        on e.board_no = v_board.board_no and e.period_start = v_period and u.id = e.user_id
    where u.id = p_user_id;
    if not found then
        raise exception using
            errcode = 'no_data_found',
            message = format('player %s does not exist', p_user_id),
            column = 'p_user_id';
    end if;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.player_rank from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.player_rank to lb_game_server, lb_web;
