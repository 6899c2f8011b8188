-- Append one entry to the audit log (lb.audit_log, which refuses every change after).
create or replace function lb._audit(
    p_actor text, p_action text, p_subject text, p_reason text, p_details jsonb
)
returns void
language sql
volatile
as $$
    insert into lb.audit_log (actor, action, subject, reason, details)
    values (p_actor, p_action, p_subject, p_reason, coalesce(p_details, '{}'));
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._audit from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
