-- The first enabled rule (by id) a session of p_score in p_game_mode by p_user_id at p_now
-- would break, or null. Run by lb.submit_score before it writes. PL/pgSQL, so its plans are
-- kept (a SQL function with a FROM is planned again on every call); with no rule enabled it
-- reads a table of a few rows and returns. Submits in the last minute count the
-- player's sessions committed before this one (held ones too, up to the threshold: a player
-- past it does not make each submit count more), in the rule's mode; a period's gain is the
-- player's value in the current period of the rule's board, which must accept the session.
-- Both read what is committed: submits of one player in flight at once see each other's
-- effect only once committed, so these two rules are exact for a player's sequential
-- submits, approximate for parallel ones.
create or replace function lb._broken_rule(
    p_user_id bigint, p_score integer, p_game_mode text, p_now timestamptz
)
returns text
language plpgsql
stable
as $$
declare
    v_rule lb.rules;
    v_board lb.boards;
    v_count bigint;
    v_value bigint;
begin
    for v_rule in
        select r.*
        from lb.rules as r
        where r.enabled and (r.game_mode is null or r.game_mode = p_game_mode)
        order by r.rule_id
    loop
        if v_rule.kind = 'max_score' then
            if p_score > v_rule.threshold then
                return v_rule.rule_id;
            end if;
        elsif v_rule.kind = 'max_submits_per_minute' then
            select count(*) into v_count
            from (
                select
                from lb.game_sessions as g
                where
                    g.user_id = p_user_id
                    and g.played_at > p_now - interval '1 minute'
                    and (v_rule.game_mode is null or g.game_mode = v_rule.game_mode)
                limit v_rule.threshold
            ) as recent;
            if v_count >= v_rule.threshold then
                return v_rule.rule_id;
            end if;
        elsif v_rule.kind = 'max_gain_per_period' then
            select b.* into v_board from lb.boards as b where b.board_no = v_rule.board_no;
            if
                v_board.enabled
                and (v_board.game_mode is null or v_board.game_mode = p_game_mode)
                and (v_board.starts_at is null or v_board.starts_at <= p_now)
                and (v_board.ends_at is null or p_now < v_board.ends_at)
            then
                select e.value into v_value
                from lb.board_entries as e
                where
                    e.board_no = v_board.board_no
                    and e.period_start = lb._period_of(v_board, p_now)
                    and e.user_id = p_user_id;
                if coalesce(v_value, 0) + p_score > v_rule.threshold then
                    return v_rule.rule_id;
                end if;
            end if;
        end if;
    end loop;
    return null;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._broken_rule from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
