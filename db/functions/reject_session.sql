-- Reject a held session: it stays in the log, counted nowhere. Rejecting a rejected session
-- changes nothing; an approved one cannot be rejected (it counts: voiding it is another
-- action).
create or replace function lb.reject_session(
    p_session_id bigint, p_reason text default null, p_actor text default null
)
returns text
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_actor text := lb._actor(p_actor);
    v_session lb.game_sessions;
begin
    v_session := lb._moderated_session(p_session_id);
    if v_session.review = 'approved' then
        raise exception using
            errcode = 'LB013',
            message = format('session %s was approved and counts: it cannot be rejected', p_session_id),
            column = 'p_session_id';
    end if;
    if v_session.review = 'held' then
        update lb.game_sessions as s set review = 'rejected' where s.id = p_session_id;
        perform lb._audit(
            v_actor, 'session_rejected', 'player:' || v_session.user_id, p_reason,
            jsonb_build_object(
                'session_id', p_session_id, 'held_by', v_session.held_by, 'score', v_session.score
            )
        );
    end if;
    return 'rejected';
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.reject_session from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
-- lb_web: the admin endpoints (/api/admin), which name the admin token as the actor
grant execute on function lb.reject_session to lb_moderator, lb_web;
