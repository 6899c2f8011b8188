-- One page of the leaderboard, highest total first, ties by user_id, with competition ranks.
create or replace function lb.top_players(p_limit integer default 10, p_offset integer default 0)
returns table (rank bigint, user_id bigint, username text, total_score bigint)
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_limit is null or p_limit not between 1 and 100 then
        perform lb._invalid_argument('p_limit', 'must be an integer from 1 to 100', p_limit::text);
    end if;
    if p_offset is null or p_offset < 0 then
        perform lb._invalid_argument('p_offset', 'must be a non-negative integer', p_offset::text);
    end if;
    -- Only the first row's rank needs the histogram: a later row whose total differs from the
    -- row before it starts its tie group, so its rank is its position.
    return query
    with page as (
        select
            l.user_id,
            l.total_score,
            row_number() over (order by l.total_score desc, l.user_id) as n
        from (
            select l.user_id, l.total_score
            from lb.leaderboard as l
            order by l.total_score desc, l.user_id
            limit p_limit offset p_offset
        ) as l
    ),

    head as (
        select lb._rank_of_total(p.total_score) as rank, p.total_score
        from page as p
        where p.n = 1
    )

    select
        case
            when p.total_score = h.total_score then h.rank
            else p_offset + min(p.n) over (partition by p.total_score)
        end,
        p.user_id,
        u.username,
        p.total_score
    from page as p
    cross join head as h
    inner join lb.users as u on p.user_id = u.id
    order by p.n;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.top_players from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.top_players to lb_game_server, lb_web;
