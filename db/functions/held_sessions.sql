-- The held queue, oldest first (the order they were played), paged by session id (p_after:
-- the last id of the previous page), optionally one rule's, one mode's or one player's, and
-- from a time on.
create or replace function lb.held_sessions(
    p_rule_id text default null,
    p_game_mode text default null,
    p_user_id bigint default null,
    p_since timestamptz default null,
    p_limit integer default 50,
    p_after bigint default null
)
returns table (
    session_id bigint,
    user_id bigint,
    username text,
    score integer,
    game_mode text,
    played_at timestamptz,
    held_by text,
    written_by text
)
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_limit is null or p_limit not between 1 and lb._max_page() then
        perform lb._invalid_argument(
            'p_limit', format('must be an integer from 1 to %s', lb._max_page()), p_limit::text
        );
    end if;
    return query
    select s.id, s.user_id, u.username, s.score, s.game_mode, s.played_at, s.held_by, s.written_by
    from lb.game_sessions as s
    inner join lb.users as u on s.user_id = u.id
    where
        s.review = 'held'
        and (p_rule_id is null or s.held_by = p_rule_id)
        and (p_game_mode is null or s.game_mode = p_game_mode)
        and (p_user_id is null or s.user_id = p_user_id)
        and (p_since is null or s.played_at >= p_since)
        and (p_after is null or s.id > p_after)
    order by s.id
    limit p_limit;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.held_sessions from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
-- lb_web: the admin endpoints (/api/admin), which name the admin token as the actor
grant execute on function lb.held_sessions to lb_moderator, lb_web;
