-- A player's total and exact competition rank; a player with no sessions has total 0 and
-- rank null.
create or replace function lb.player_rank(p_user_id bigint)
returns table (user_id bigint, username text, total_score bigint, rank bigint)
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_user_id is null or p_user_id <= 0 then
        perform lb._invalid_argument('p_user_id', 'must be a positive integer', p_user_id::text);
    end if;
    return query
    select
        u.id,
        u.username,
        coalesce(l.total_score, 0),
        case when l.user_id is not null then lb._rank_of_total(l.total_score) end
    from lb.users as u
    left join lb.leaderboard as l on u.id = l.user_id
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
