-- Every plausibility rule, by id.
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
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select r.rule_id, r.kind, r.threshold, r.game_mode, b.board_id, r.enabled, r.created_at, r.created_by
    from lb.rules as r
    left join lb.boards as b on r.board_no = b.board_no
    order by r.rule_id;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.list_rules from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
-- lb_web: the admin endpoints (/api/admin), which name the admin token as the actor
grant execute on function lb.list_rules to lb_moderator, lb_web;
