-- Delete a rule. The sessions it held keep its name and stay held until approved or
-- rejected. Returns how many of them are still held.
create or replace function lb.delete_rule(p_rule_id text, p_actor text default null)
returns bigint
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_actor text := lb._actor(p_actor);
    v_before jsonb;
begin
    select to_jsonb(r) into v_before from lb.list_rules() as r where r.rule_id = p_rule_id;
    if v_before is null then
        perform lb._rule_not_found(p_rule_id);
    end if;
    delete from lb.rules as r where r.rule_id = p_rule_id;
    perform lb._audit(
        v_actor, 'rule_deleted', 'rule:' || p_rule_id, null, jsonb_build_object('before', v_before)
    );
    return (
        select count(*) from lb.game_sessions as s where s.review = 'held' and s.held_by = p_rule_id
    );
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.delete_rule from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
-- lb_web: the admin endpoints (/api/admin), which name the admin token as the actor
grant execute on function lb.delete_rule to lb_moderator, lb_web;
