-- lb.delete_rule on every shard; the sessions still held under it, on all of them.
create or replace function lb_proxy.delete_rule(p_rule_id text, p_actor text)
returns setof bigint
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    target lb.delete_rule;
$$;

create or replace function lb.delete_rule(
    p_rule_id text,
    p_actor text default null
)
returns bigint
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
    return (select sum(n)::bigint from lb_proxy.delete_rule(p_rule_id, v_actor) as n);
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.delete_rule, lb.delete_rule from public;
revoke all on function lb_proxy.delete_rule from lb_game_server, lb_web, lb_moderator;
grant execute on function lb.delete_rule to lb_moderator, lb_web;
