-- For the proxy's lb.top_players (db/proxy): this shard's first p_offset + p_limit entries of a
-- board-period in board order, after a header row (user_id null) that says which period this
-- shard resolved and how the board breaks ties. The proxy merges every shard's rows; the
-- global first p_offset + p_limit are among them, and so is every entry better than any of
-- them, which is what makes the merged ranks exact. Arguments are checked as lb.top_players
-- checks them, so a bad call fails with the same error through the proxy.
create or replace function lb._shard_page(
    p_limit integer,
    p_offset integer,
    p_board text,
    p_period timestamptz
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
    perform lb._check_page(p_limit, p_offset);
    v_board := lb._board(p_board);
    v_period := lb._resolve_period(v_board, p_period);
    return query
    select
        null::bigint, null::text, null::bigint, null::timestamptz, v_board.tie_break, v_period,
        lb._period_end(v_board, v_period);
    return query
    select e.user_id, u.username, e.value, e.tie_at, null::text, null::timestamptz, null::timestamptz
    from (
        select e.user_id, e.value, e.tie_at
        from lb.board_entries as e
        where e.board_no = v_board.board_no and e.period_start = v_period
        order by e.value desc, e.tie_at, e.user_id
        limit p_limit::bigint + p_offset
    ) as e
    inner join lb.users as u on e.user_id = u.id;
end;
$$;

-- the grants below are the whole truth: revoke from every group first. Only the proxy of a
-- sharded deployment calls it, connecting to the shard as a login in lb_proxy.
revoke all on function lb._shard_page from public, lb_game_server, lb_web, lb_bridge, lb_proxy;
grant execute on function lb._shard_page to lb_proxy;
