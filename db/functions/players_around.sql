-- The players ranked just above and below one player (up to p_radius each side), with
-- competition ranks, in leaderboard order. A player with no sessions is returned alone.
create or replace function lb.players_around(p_user_id bigint, p_radius integer default 5)
returns table (rank bigint, user_id bigint, username text, total_score bigint)
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_total bigint;
begin
    if p_user_id is null or p_user_id <= 0 then
        perform lb._invalid_argument('p_user_id', 'must be a positive integer', p_user_id::text);
    end if;
    if p_radius is null or p_radius not between 0 and 50 then
        perform lb._invalid_argument('p_radius', 'must be an integer from 0 to 50', p_radius::text);
    end if;
    if not exists (select from lb.users as u where u.id = p_user_id) then
        raise exception using
            errcode = 'no_data_found',
            message = format('player %s does not exist', p_user_id),
            column = 'p_user_id';
    end if;
    select l.total_score into v_total from lb.leaderboard as l where l.user_id = p_user_id;
    if v_total is null then
        return query select null::bigint, u.id, u.username, 0::bigint
        from lb.users as u where u.id = p_user_id;
        return;
    end if;

    -- Each side is two index range scans (same total by user_id, then strictly beyond the
    -- total), so the cost is O(radius), not O(rank).
    return query
    with neighbours as (
        (
            select a.user_id, a.total_score from (
                (select l.user_id, l.total_score from lb.leaderboard as l
                    where l.total_score = v_total and l.user_id < p_user_id
                    order by l.user_id desc limit p_radius)
                union all
                (select l.user_id, l.total_score from lb.leaderboard as l
                    where l.total_score > v_total
                    order by l.total_score, l.user_id desc limit p_radius)
            ) as a
            order by a.total_score, a.user_id desc
            limit p_radius
        )
        union all
        select p_user_id, v_total
        union all
        (
            select b.user_id, b.total_score from (
                (select l.user_id, l.total_score from lb.leaderboard as l
                    where l.total_score = v_total and l.user_id > p_user_id
                    order by l.user_id limit p_radius)
                union all
                (select l.user_id, l.total_score from lb.leaderboard as l
                    where l.total_score < v_total
                    order by l.total_score desc, l.user_id limit p_radius)
            ) as b
            order by b.total_score desc, b.user_id
            limit p_radius
        )
    ),

    ranks as (
        select t.total_score, lb._rank_of_total(t.total_score) as rank
        from (select distinct n.total_score from neighbours as n) as t
    )

    select r.rank, n.user_id, u.username, n.total_score
    from neighbours as n
    inner join ranks as r on n.total_score = r.total_score
    inner join lb.users as u on n.user_id = u.id
    order by n.total_score desc, n.user_id;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.players_around from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.players_around to lb_web;
