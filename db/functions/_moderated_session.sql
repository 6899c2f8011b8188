-- The session a moderator acts on, locked: it must exist and have been held (held, approved
-- or rejected); anything else raises with the argument named.
create or replace function lb._moderated_session(p_session_id bigint)
returns lb.game_sessions
language plpgsql
volatile
as $$
declare
    v_session lb.game_sessions;
begin
    if p_session_id is null or p_session_id <= 0 then
        perform lb._invalid_argument('p_session_id', 'must be a positive integer', p_session_id::text);
    end if;
    select s.* into v_session from lb.game_sessions as s where s.id = p_session_id for update;
    if not found then
        raise exception using
            errcode = 'no_data_found',
            message = format('session %s does not exist', p_session_id),
            column = 'p_session_id';
    end if;
    if v_session.review is null then
        raise exception using
            errcode = 'LB013',
            message = format('session %s was not held: it counts as submitted', p_session_id),
            column = 'p_session_id';
    end if;
    return v_session;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._moderated_session from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
