-- The audit log, newest first, paged by audit_id (p_before: the last id of the previous
-- page), optionally one subject's (`player:<id>`, `key:<name>`, ...), one action's, and
-- from a time on.
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
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if p_limit is null or p_limit not between 1 and lb._max_page() then
        perform lb._invalid_argument(
            'p_limit', format('must be from 1 to %s', lb._max_page()), p_limit::text
        );
    end if;
    return query
    select a.audit_id, a.at, a.actor, a.action, a.subject, a.reason, a.details
    from lb.audit_log as a
    where
        (p_subject is null or a.subject = p_subject)
        and (p_action is null or a.action = p_action)
        and (p_since is null or a.at >= p_since)
        and (p_before is null or a.audit_id < p_before)
    order by a.audit_id desc
    limit p_limit;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.audit_entries from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
-- lb_web: the admin endpoints (/api/admin), which name the admin token as the actor
grant execute on function lb.audit_entries to lb_moderator, lb_web;
