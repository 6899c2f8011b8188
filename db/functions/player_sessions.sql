-- A player's most recent game sessions, newest first.
create or replace function lb.player_sessions(p_user_id bigint, p_limit integer default 20)
returns table (session_id bigint, score integer, game_mode text, played_at timestamptz)
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_user_id is null or p_user_id <= 0 then
        perform lb._invalid_argument('p_user_id', 'must be a positive integer', p_user_id::text);
    end if;
    if p_limit is null or p_limit not between 1 and lb._max_page() then
        perform lb._invalid_argument(
            'p_limit', format('must be an integer from 1 to %s', lb._max_page()), p_limit::text
        );
    end if;
    if not exists (select from lb.users as u where u.id = p_user_id) then
        raise exception using
            errcode = 'no_data_found',
            message = format('player %s does not exist', p_user_id),
            column = 'p_user_id';
    end if;
    return query
    select s.id, s.score, s.game_mode, s.played_at
    from lb.game_sessions as s
    where s.user_id = p_user_id
    order by s.played_at desc
    limit p_limit;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.player_sessions from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.player_sessions to lb_web;
