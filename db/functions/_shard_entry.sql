-- For the proxy's lb.player_rank and lb.players_around (db/proxy), on the shard that owns the
-- player: the player and their entry on a board-period (value null when they have none),
-- with the period this shard resolved, for the other shards' counts. Arguments are checked
-- in the order of the function the proxy stands in for (p_around: lb.players_around, with
-- its radius), so every bad call fails with the same error through the proxy.
create or replace function lb._shard_entry(
    p_user_id bigint,
    p_board text,
    p_period timestamptz,
    p_around boolean,
    p_radius integer
)
returns table (
    user_id bigint,
    username text,
    value bigint,
    tie_at timestamptz,
    tie_break text,
    period_key timestamptz,
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
    if p_around and (p_radius is null or p_radius not between 0 and lb._max_radius()) then
        perform lb._invalid_argument(
            'p_radius', format('must be an integer from 0 to %s', lb._max_radius()), p_radius::text
        );
    end if;
    v_board := lb._board(p_board);
    if not p_around then
        v_period := lb._resolve_period(v_board, p_period);
    end if;
    if not exists (select from lb.users as u where u.id = p_user_id) then
        raise exception using
            errcode = 'no_data_found',
            message = format('player %s does not exist', p_user_id),
            column = 'p_user_id';
    end if;
    if p_around then
        v_period := lb._resolve_period(v_board, p_period);
    end if;
    return query
    select
        u.id, u.username, e.value, e.tie_at, v_board.tie_break, v_period,
        lb._period_end(v_board, v_period)
    from lb.users as u
    left join lb.board_entries as e
        on e.board_no = v_board.board_no and e.period_start = v_period and u.id = e.user_id
    where u.id = p_user_id;
end;
$$;

-- the grants below are the whole truth: revoke from every group first. Only the proxy of a
-- sharded deployment calls it, connecting to the shard as a login in lb_proxy.
revoke all on function lb._shard_entry from public, lb_game_server, lb_web, lb_bridge, lb_proxy;
grant execute on function lb._shard_entry to lb_proxy;
