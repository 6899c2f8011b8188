-- lb.list_keys on shard 0, where a sharded deployment keeps its server keys and audit log
-- (one copy: they are few, and a key must mean the same on every shard's path).
create or replace function lb_proxy.list_keys()
returns table (
    key_name text,
    game_modes text[],
    created_at timestamptz,
    created_by text,
    rotated_at timestamptz,
    previous_valid_until timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz
)
language plproxy
as $$
    cluster 'lb_shards';
    run on 0;
    target lb.list_keys;
$$;

create or replace function lb.list_keys()
returns table (
    key_name text,
    game_modes text[],
    created_at timestamptz,
    created_by text,
    rotated_at timestamptz,
    previous_valid_until timestamptz,
    revoked_at timestamptz,
    last_used_at timestamptz
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
    return query select * from lb_proxy.list_keys();
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.list_keys, lb.list_keys from public;
grant execute on function lb_proxy.list_keys, lb.list_keys to lb_moderator;
