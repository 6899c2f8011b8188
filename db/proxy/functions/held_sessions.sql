-- lb.held_sessions on every shard, merged: session ids are unique across shards (each
-- shard's interleave), so one order by id pages the whole queue.
create or replace function lb_proxy.held_sessions(p_rule_id text, p_game_mode text, p_user_id bigint, p_since timestamptz, p_limit integer, p_after bigint)
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
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    target lb.held_sessions;
$$;

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
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
begin
    return query select h.*
    from lb_proxy.held_sessions(p_rule_id, p_game_mode, p_user_id, p_since, p_limit, p_after) as h
    order by h.session_id
    limit greatest(p_limit, 1);  -- LIMIT 0 would not call the shards, which refuse it
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.held_sessions, lb.held_sessions from public;
grant execute on function lb_proxy.held_sessions, lb.held_sessions to lb_moderator, lb_web;
