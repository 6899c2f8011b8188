-- A player's sessions for a moderator, newest first, with who wrote each (`key:<name>`,
-- `login:<name>`; null for sessions older than the record): where a bad score came from;
-- and, for a session a rule held, the rule and its review (held, approved, rejected).
-- Paged by session id (p_before: the last id of the previous page).
create or replace function lb.session_log(
    p_user_id bigint,
    p_limit integer default 20,
    p_before bigint default null
)
returns table (
    session_id bigint,
    score integer,
    game_mode text,
    played_at timestamptz,
    written_by text,
    held_by text,
    review text
)
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
    select s.id, s.score, s.game_mode, s.played_at, s.written_by, s.held_by, s.review
    from lb.game_sessions as s
    where s.user_id = p_user_id and (p_before is null or s.id < p_before)
    order by s.played_at desc, s.id desc
    limit p_limit;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.session_log from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
-- lb_web: the admin endpoints (/api/admin)
grant execute on function lb.session_log to lb_moderator, lb_web;
