-- For the proxy's ranks (db/proxy), on every shard: for each position i of the arrays, how
-- many of this shard's entries on the board-period come before (p_values[i], p_tie_ats[i],
-- p_user_ids[i]): a strictly higher value on a shared board, an earlier place in (value desc,
-- tie_at, user_id) order on an earliest one. A rank is 1 + the sum over the shards.
-- p_period_key is a period the caller resolved on the player's shard (-infinity for an
-- all-time board), used as it is so every shard counts the same period.
create or replace function lb._shard_count_before(
    p_board text,
    p_period_key timestamptz,
    p_values bigint[],
    p_tie_ats timestamptz[],
    p_user_ids bigint[]
)
returns table (ord integer, before bigint)
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_board lb.boards;
begin
    -- the proxy asks about one player, or the distinct values of one window: a bounded call
    if cardinality(p_values) > 2 * lb._max_radius() + 1
        or cardinality(p_values) is distinct from cardinality(p_tie_ats)
        or cardinality(p_values) is distinct from cardinality(p_user_ids) then
        perform lb._invalid_argument(
            'p_values', format(
                'must hold at most %s values, with as many tie times and user ids',
                2 * lb._max_radius() + 1
            ), cardinality(p_values)::text
        );
    end if;
    v_board := lb._board(p_board);
    return query
    select
        a.ord::integer,
        lb._rank_in_period(
            v_board.board_no, p_period_key, v_board.tie_break, a.value, a.tie_at, a.user_id
        ) - 1
    from unnest(p_values, p_tie_ats, p_user_ids) with ordinality as a (value, tie_at, user_id, ord);
end;
$$;

-- the grants below are the whole truth: revoke from every group first. Only the proxy of a
-- sharded deployment calls it, connecting to the shard as a login in lb_proxy.
revoke all on function lb._shard_count_before from public, lb_game_server, lb_web, lb_bridge, lb_proxy;
grant execute on function lb._shard_count_before to lb_proxy;
