-- One page of a board in one period (default: `global`, the current period), best first,
-- with ranks and the period's bounds (null for an all-time board). Shared ties: competition
-- ranks, ties listed by user_id; earliest ties: whoever reached the value first ranks higher.
create or replace function lb.top_players(
    p_limit integer default 10,
    p_offset integer default 0,
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
begin
    perform lb._check_page(p_limit, p_offset);
    v_board := lb._board(p_board);
    v_period := lb._resolve_period(v_board, p_period);
    -- Only the first row's rank needs the histogram: on shared boards a later row whose value
    -- differs from the row before it starts its tie group, so its rank is its position; on
    -- earliest boards every rank is a position.
    return query
    with page as (
        select
            e.user_id,
            e.value,
            e.tie_at,
            row_number() over (order by e.value desc, e.tie_at, e.user_id) as n
        from (
            select e.user_id, e.value, e.tie_at
            from lb.board_entries as e
            where e.board_no = v_board.board_no and e.period_start = v_period
            order by e.value desc, e.tie_at, e.user_id
            limit p_limit offset p_offset
        ) as e
    ),

    head as (
        select
            lb._rank_in_period(
                v_board.board_no, v_period, v_board.tie_break, p.value, p.tie_at, p.user_id
            ) as rank,
            p.value
        from page as p
        where p.n = 1 and v_board.tie_break = 'shared'
    )

    select
        case
            when v_board.tie_break = 'earliest' then p_offset + p.n
            when p.value = h.value then h.rank
            else p_offset + min(p.n) over (partition by p.value)
        end,
        p.user_id,
        u.username,
        p.value,
        nullif(v_period, '-infinity'),
        nullif(lb._period_end(v_board, v_period), 'infinity')
    from page as p
    left join head as h on true
    inner join lb.users as u on p.user_id = u.id
    order by p.n;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.top_players from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.top_players to lb_game_server, lb_web;
