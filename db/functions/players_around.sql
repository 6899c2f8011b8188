-- The players ranked just above and below one player (up to p_radius each side) on a board in
-- one period (default: `global`, the current period), with ranks, in board order and with
-- the period's bounds. A player with nothing on that board-period is returned alone.
create or replace function lb.players_around(
    p_user_id bigint,
    p_radius integer default 5,
    p_board text default 'global',
    p_period timestamptz default null
)
returns table (
    rank bigint,
    user_id bigint,
    username text,
    total_score bigint,
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
    v_end timestamptz;
    v_me lb.board_entries;
    v_my_rank bigint;
begin
    if p_user_id is null or p_user_id <= 0 then
        perform lb._invalid_argument('p_user_id', 'must be a positive integer', p_user_id::text);
    end if;
    if p_radius is null or p_radius not between 0 and lb._max_radius() then
        perform lb._invalid_argument(
            'p_radius', format('must be an integer from 0 to %s', lb._max_radius()), p_radius::text
        );
    end if;
    v_board := lb._board(p_board);
    if not exists (select from lb.users as u where u.id = p_user_id) then
        raise exception using
            errcode = 'no_data_found',
            message = format('player %s does not exist', p_user_id),
            column = 'p_user_id';
    end if;
    v_period := lb._resolve_period(v_board, p_period);
    v_end := nullif(lb._period_end(v_board, v_period), 'infinity');
    select e.* into v_me
    from lb.board_entries as e
    where e.board_no = v_board.board_no and e.period_start = v_period and e.user_id = p_user_id;
    if not found then
        return query select null::bigint, u.id, u.username, 0::bigint, nullif(v_period, '-infinity'), v_end
        from lb.users as u where u.id = p_user_id;
        return;
    end if;
    v_my_rank := lb._rank_in_period(
        v_board.board_no, v_period, v_board.tie_break, v_me.value, v_me.tie_at, v_me.user_id
    );

    -- The neighbours on each side come from lb._shard_around, the window a shard gives the
    -- proxy too: two index range scans per side in board order, O(radius), not O(rank).
    return query
    with near as (
        select n.side, n.user_id, n.value, n.tie_at
        from lb._shard_around(
            v_board.board_id, v_period, v_me.value, v_me.tie_at, v_me.user_id, p_radius
        ) as n
    ),

    above as (
        select a.user_id, a.value, a.tie_at from near as a
        where a.side = -1
        order by a.value, a.tie_at desc, a.user_id desc
        limit p_radius
    ),

    below as (
        select b.user_id, b.value, b.tie_at from near as b
        where b.side = 1
        order by b.value desc, b.tie_at, b.user_id
        limit p_radius
    ),

    window_rows as (
        select w.user_id, w.value, w.tie_at from above as w
        union all
        select v_me.user_id, v_me.value, v_me.tie_at
        union all
        select w.user_id, w.value, w.tie_at from below as w
    ),

    numbered as (
        select
            w.*,
            row_number() over (order by w.value desc, w.tie_at, w.user_id)
            - (select count(*) from above) - 1 as offset_from_me
        from window_rows as w
    ),

    -- shared ties: the rank of a value; the player's own from above, the others from the
    -- histogram (at most 2 * radius distinct values)
    value_ranks as (
        select
            t.value,
            case
                when t.value = v_me.value then v_my_rank
                else lb._rank_in_period(
                    v_board.board_no, v_period, 'shared', t.value, '-infinity', 0
                )
            end as rank
        from (select distinct n.value from numbered as n) as t
        where v_board.tie_break = 'shared'
    )

    select
        case
            when v_board.tie_break = 'earliest' then v_my_rank + n.offset_from_me
            else r.rank
        end,
        n.user_id,
        u.username,
        n.value,
        nullif(v_period, '-infinity'),
        v_end
    from numbered as n
    left join value_ranks as r on n.value = r.value
    inner join lb.users as u on n.user_id = u.id
    order by n.value desc, n.tie_at, n.user_id;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.players_around from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.players_around to lb_web;
