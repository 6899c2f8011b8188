-- The window lb.players_around is made of, on one node and (through the proxy, db/proxy) on
-- every shard: this shard's up to p_radius entries just before (side -1) and just after
-- (side 1) the position (p_value, p_tie_at, p_user_id) in board order, the position itself
-- left out. The global neighbours are among
-- the union over the shards. p_period_key is used as it is (see lb._shard_count_before).
create or replace function lb._shard_around(
    p_board text,
    p_period_key timestamptz,
    p_value bigint,
    p_tie_at timestamptz,
    p_user_id bigint,
    p_radius integer
)
returns table (side integer, user_id bigint, username text, value bigint, tie_at timestamptz)
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_board lb.boards;
begin
    if p_radius is null or p_radius not between 0 and lb._max_radius() then
        perform lb._invalid_argument(
            'p_radius', format('must be an integer from 0 to %s', lb._max_radius()), p_radius::text
        );
    end if;
    v_board := lb._board(p_board);
    -- index range scans in board order on each side: O(radius), not O(rank)
    return query
    select w.side, w.user_id, u.username, w.value, w.tie_at
    from (
        (select -1 as side, e.user_id, e.value, e.tie_at from lb.board_entries as e
            where
                e.board_no = v_board.board_no and e.period_start = p_period_key
                and e.value = p_value and (e.tie_at, e.user_id) < (p_tie_at, p_user_id)
            order by e.tie_at desc, e.user_id desc limit p_radius)
        union all
        (select -1, e.user_id, e.value, e.tie_at from lb.board_entries as e
            where
                e.board_no = v_board.board_no and e.period_start = p_period_key
                and e.value > p_value
            order by e.value, e.tie_at desc, e.user_id desc limit p_radius)
        union all
        (select 1, e.user_id, e.value, e.tie_at from lb.board_entries as e
            where
                e.board_no = v_board.board_no and e.period_start = p_period_key
                and e.value = p_value and (e.tie_at, e.user_id) > (p_tie_at, p_user_id)
            order by e.tie_at, e.user_id limit p_radius)
        union all
        (select 1, e.user_id, e.value, e.tie_at from lb.board_entries as e
            where
                e.board_no = v_board.board_no and e.period_start = p_period_key
                and e.value < p_value
            order by e.value desc, e.tie_at, e.user_id limit p_radius)
    ) as w
    inner join lb.users as u on w.user_id = u.id;
end;
$$;

-- the grants below are the whole truth: revoke from every group first. Only the proxy of a
-- sharded deployment calls it, connecting to the shard as a login in lb_proxy.
revoke all on function lb._shard_around from public, lb_game_server, lb_web, lb_bridge, lb_proxy;
grant execute on function lb._shard_around to lb_proxy;
