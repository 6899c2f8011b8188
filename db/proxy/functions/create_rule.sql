-- lb.create_rule on every shard, where each submit checks the rules of its player's shard
-- (not atomic across shards: see create_board.sql); one row back.
create or replace function lb_proxy.create_rule(p_rule_id text, p_kind text, p_threshold bigint, p_game_mode text, p_board text, p_actor text)
returns table (
    rule_id text,
    kind text,
    threshold bigint,
    game_mode text,
    board_id text,
    enabled boolean,
    created_at timestamptz,
    created_by text
)
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    target lb.create_rule;
$$;

create or replace function lb.create_rule(
    p_rule_id text,
    p_kind text,
    p_threshold bigint,
    p_game_mode text default null,
    p_board text default null,
    p_actor text default null
)
returns table (
    rule_id text,
    kind text,
    threshold bigint,
    game_mode text,
    board_id text,
    enabled boolean,
    created_at timestamptz,
    created_by text
)
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
    return query select distinct on (r.rule_id) r.*
    from lb_proxy.create_rule(p_rule_id, p_kind, p_threshold, p_game_mode, p_board, v_actor) as r;
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.create_rule, lb.create_rule from public;
revoke all on function lb_proxy.create_rule from lb_game_server, lb_web, lb_moderator;
grant execute on function lb.create_rule to lb_moderator, lb_web;
