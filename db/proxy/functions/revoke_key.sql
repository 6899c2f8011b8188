-- lb.revoke_key on shard 0, where a sharded deployment keeps its server keys and audit log
-- (one copy: they are few, and a key must mean the same on every shard's path).
create or replace function lb_proxy.revoke_key(p_key_name text, p_actor text)
returns table (key_name text, revoked_at timestamptz)
language plproxy
as $$
    cluster 'lb_shards';
    run on 0;
    target lb.revoke_key;
$$;

create or replace function lb.revoke_key(
    p_key_name text,
    p_actor text default null
)
returns table (key_name text, revoked_at timestamptz)
language plpgsql
volatile
-- as its owner: only this wrapper may call lb_proxy.revoke_key, whose p_actor the shard believes
-- (the proxy's login is in lb_web); a caller could otherwise name any writer
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
    return query select * from lb_proxy.revoke_key(p_key_name, v_actor);
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.revoke_key, lb.revoke_key from public;
revoke all on function lb_proxy.revoke_key from lb_game_server, lb_web, lb_moderator;
grant execute on function lb.revoke_key to lb_moderator;
