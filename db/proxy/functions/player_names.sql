-- lb.player_names: each shard answers for the ids it owns.
create or replace function lb_proxy.player_names(p_user_ids bigint[])
returns table (user_id bigint, username text)
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    target lb.player_names;
$$;

create or replace function lb.player_names(p_user_ids bigint[])
returns table (user_id bigint, username text)
language plpgsql
stable
set search_path = pg_catalog, pg_temp
as $$
declare
    v_state text;
    v_message text;
    v_detail text;
begin
    return query select * from lb_proxy.player_names(p_user_ids);
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.player_names, lb.player_names from public;
grant execute on function lb_proxy.player_names, lb.player_names to lb_web;
