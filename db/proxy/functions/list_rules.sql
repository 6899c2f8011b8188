-- lb.list_rules on shard 0: every shard has the same rules (each change runs on all).
create or replace function lb_proxy.list_rules()
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
    run on 0;
    target lb.list_rules;
$$;

create or replace function lb.list_rules()
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
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
begin
    return query select * from lb_proxy.list_rules();
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.list_rules, lb.list_rules from public;
grant execute on function lb_proxy.list_rules, lb.list_rules to lb_moderator, lb_web;
