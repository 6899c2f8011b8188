-- lb.rotate_key on shard 0, where a sharded deployment keeps its server keys and audit log
-- (one copy: they are few, and a key must mean the same on every shard's path).
create or replace function lb_proxy.rotate_key(p_key_name text, p_grace interval, p_actor text)
returns table (key_name text, secret text, previous_valid_until timestamptz)
language plproxy
as $$
    cluster 'lb_shards';
    run on 0;
    target lb.rotate_key;
$$;

create or replace function lb.rotate_key(
    p_key_name text,
    p_grace interval default '0',
    p_actor text default null
)
returns table (key_name text, secret text, previous_valid_until timestamptz)
language plpgsql
volatile
-- as its owner: only this wrapper may call lb_proxy.rotate_key, whose p_actor the shard believes
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
    return query select * from lb_proxy.rotate_key(p_key_name, p_grace, v_actor);
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.rotate_key, lb.rotate_key from public;
revoke all on function lb_proxy.rotate_key from lb_game_server, lb_web, lb_moderator;
grant execute on function lb.rotate_key to lb_moderator;
