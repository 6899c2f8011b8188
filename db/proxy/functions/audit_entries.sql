-- lb.audit_entries on every shard, merged: key changes are recorded on shard 0, moderation on
-- the shard of the player it acts on, and audit ids are interleaved across shards
-- (lb._interleave_audit_ids), so one order by id pages the whole log.
create or replace function lb_proxy.audit_entries(p_subject text, p_action text, p_since timestamptz, p_limit integer, p_before bigint)
returns table (
    audit_id bigint,
    at timestamptz,
    actor text,
    action text,
    subject text,
    reason text,
    details jsonb
)
language plproxy
as $$
    cluster 'lb_shards';
    run on all;
    target lb.audit_entries;
$$;

create or replace function lb.audit_entries(
    p_subject text default null,
    p_action text default null,
    p_since timestamptz default null,
    p_limit integer default 50,
    p_before bigint default null
)
returns table (
    audit_id bigint,
    at timestamptz,
    actor text,
    action text,
    subject text,
    reason text,
    details jsonb
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
    return query select a.*
    from lb_proxy.audit_entries(p_subject, p_action, p_since, p_limit, p_before) as a
    order by a.audit_id desc
    limit greatest(p_limit, 1);  -- LIMIT 0 would not call the shards, which refuse it
exception when others then
    get stacked diagnostics v_state = returned_sqlstate, v_message = message_text,
        v_detail = pg_exception_detail;
    perform lb_proxy._reraise(v_state, v_message, v_detail);
end;
$$;

revoke all on function lb_proxy.audit_entries, lb.audit_entries from public;
grant execute on function lb_proxy.audit_entries, lb.audit_entries to lb_moderator, lb_web;
