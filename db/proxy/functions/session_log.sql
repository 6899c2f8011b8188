-- lb.session_log on the shard that owns the player.
create or replace function lb_proxy.session_log(p_user_id bigint, p_limit integer, p_before bigint)
returns table (
    session_id bigint,
    score integer,
    game_mode text,
    played_at timestamptz,
    written_by text,
    held_by text,
    review text
)
language plproxy
as $$
    cluster 'lb_shards';
    run on lb_proxy.player_hash(p_user_id);
    target lb.session_log;
$$;

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
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
begin
    return query select * from lb_proxy.session_log(p_user_id, p_limit, p_before);
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.session_log, lb.session_log from public;
grant execute on function lb_proxy.session_log, lb.session_log to lb_moderator, lb_web;
