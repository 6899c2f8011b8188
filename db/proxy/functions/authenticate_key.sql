-- lb.authenticate_key on shard 0, where a sharded deployment keeps its server keys and audit log
-- (one copy: they are few, and a key must mean the same on every shard's path).
create or replace function lb_proxy.authenticate_key(p_key_hash bytea, p_game_mode text)
returns table (writer text)
language plproxy
as $$
    cluster 'lb_shards';
    run on 0;
    target lb.authenticate_key;
$$;

create or replace function lb.authenticate_key(
    p_key_hash bytea,
    p_game_mode text
)
returns table (writer text)
language plpgsql
volatile
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
begin
    return query select * from lb_proxy.authenticate_key(p_key_hash, p_game_mode);
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.authenticate_key, lb.authenticate_key from public;
grant execute on function lb_proxy.authenticate_key, lb.authenticate_key to lb_web;
