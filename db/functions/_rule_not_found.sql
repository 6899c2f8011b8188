-- Raise the documented not-found error (P0002) for a rule.
create or replace function lb._rule_not_found(p_rule_id text)
returns void
language plpgsql
immutable
as $$
begin
    raise exception using
        errcode = 'no_data_found',
        message = format('rule %L does not exist', p_rule_id),
        column = 'p_rule_id';
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._rule_not_found from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
