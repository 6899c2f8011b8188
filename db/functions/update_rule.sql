-- Turn a rule on or off, or change its threshold (null: unchanged). Sessions it held stay
-- held until approved or rejected.
create or replace function lb.update_rule(
    p_rule_id text,
    p_enabled boolean default null,
    p_threshold bigint default null,
    p_actor text default null
)
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
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
#variable_conflict use_column
declare
    v_actor text := lb._actor(p_actor);
    v_before jsonb;
begin
    select to_jsonb(r) into v_before from lb.list_rules() as r where r.rule_id = p_rule_id;
    if v_before is null then
        perform lb._rule_not_found(p_rule_id);
    end if;
    if p_threshold is not null and p_threshold not between 0 and lb._max_value() then
        perform lb._invalid_argument(
            'p_threshold', format('must be an integer from 0 to %s', lb._max_value()), p_threshold::text
        );
    end if;
    update lb.rules as r
    set
        enabled = coalesce(p_enabled, r.enabled),
        threshold = coalesce(p_threshold, r.threshold)
    where r.rule_id = p_rule_id;
    perform lb._audit(
        v_actor, 'rule_updated', 'rule:' || p_rule_id, null,
        jsonb_build_object(
            'before', v_before,
            'after', (select to_jsonb(r) from lb.list_rules() as r where r.rule_id = p_rule_id)
        )
    );
    return query select * from lb.list_rules() as r where r.rule_id = p_rule_id;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.update_rule from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
-- lb_web: the admin endpoints (/api/admin), which name the admin token as the actor
grant execute on function lb.update_rule to lb_moderator, lb_web;
