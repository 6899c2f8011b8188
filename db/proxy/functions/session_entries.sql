-- lb.session_entries on the shard that holds the session: session ids name their shard as
-- player ids do (lb.configure_shard), so lb_proxy.player_hash routes them. The board and
-- feed numbers are that shard's, which is what its part of the index compares them with.
create or replace function lb_proxy.session_entries(p_session_id bigint)
returns table (
    board_id text,
    board_no integer,
    board_epoch bigint,
    feed_epoch bigint,
    period_start bigint,
    user_id bigint,
    value bigint,
    tie_us bigint,
    username text
)
language plproxy
as $$
    cluster 'lb_shards';
    run on lb_proxy.player_hash(p_session_id);
    target lb.session_entries;
$$;

create or replace function lb.session_entries(p_session_id bigint)
returns table (
    board_id text,
    board_no integer,
    board_epoch bigint,
    feed_epoch bigint,
    period_start bigint,
    user_id bigint,
    value bigint,
    tie_us bigint,
    username text
)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
begin
    return query select * from lb_proxy.session_entries(p_session_id);
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.session_entries, lb.session_entries from public;
grant execute on function lb_proxy.session_entries, lb.session_entries to lb_web;
