-- lb.session_boards on the shard that holds the session (see session_entries.sql).
create or replace function lb_proxy.session_boards(p_session_id bigint, p_idempotency_key text)
returns jsonb
language plproxy
as $$
    cluster 'lb_shards';
    run on lb_proxy.player_hash(p_session_id);
    target lb.session_boards;
$$;

create or replace function lb.session_boards(p_session_id bigint, p_idempotency_key text default null)
returns jsonb
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
begin
    return lb_proxy.session_boards(p_session_id, p_idempotency_key);
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.session_boards, lb.session_boards from public;
grant execute on function lb_proxy.session_boards, lb.session_boards to lb_game_server, lb_web;
