-- lb.reject_session on the shard that holds the session: session ids are placed as player
-- ids are (lb.configure_shard), so lb_proxy.player_hash finds it.
create or replace function lb_proxy.reject_session(p_session_id bigint, p_reason text, p_actor text)
returns text
language plproxy
as $$
    cluster 'lb_shards';
    run on lb_proxy.player_hash(p_session_id);
    target lb.reject_session;
$$;

create or replace function lb.reject_session(
    p_session_id bigint,
    p_reason text default null,
    p_actor text default null
)
returns text
language plpgsql
volatile
-- as its owner: only this wrapper may call the lb_proxy function, whose p_actor the shard
-- believes (the proxy's login is in lb_web)
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
    -- the shard sees the proxy's login: who is acting is said here (lb._actor's rule)
    v_actor text := case
        when p_actor is not null and pg_has_role(session_user, 'lb_web', 'member') then p_actor
        else 'login:' || session_user
    end;
begin
    return lb_proxy.reject_session(p_session_id, p_reason, v_actor);
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.reject_session, lb.reject_session from public;
revoke all on function lb_proxy.reject_session from lb_game_server, lb_web, lb_moderator;
grant execute on function lb.reject_session to lb_moderator, lb_web;
