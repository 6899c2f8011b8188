-- The first enabled rule (by id) a session of p_score in p_game_mode by p_user_id at p_now
-- would break, or null. Submits in the last minute count the player's sessions committed
-- before this one (held ones too), in the rule's mode; a period's gain is the player's value
-- in the current period of the rule's board, which must accept the session. Run by
-- lb.submit_score before it writes: with no rule enabled, one index scan of an empty set.
create or replace function lb._broken_rule(
    p_user_id bigint, p_score integer, p_game_mode text, p_now timestamptz
)
returns text
language sql
stable
as $$
    select r.rule_id
    from lb.rules as r
    left join lb.boards as b on r.board_no = b.board_no
    where
        r.enabled
        and (r.game_mode is null or r.game_mode = p_game_mode)
        and case r.kind
            when 'max_score' then p_score > r.threshold
            when 'max_submits_per_minute' then (
                select count(*)
                from lb.game_sessions as g
                where
                    g.user_id = p_user_id
                    and g.played_at > p_now - interval '1 minute'
                    and (r.game_mode is null or g.game_mode = r.game_mode)
            ) >= r.threshold
            when 'max_gain_per_period' then
                b.enabled
                and (b.game_mode is null or b.game_mode = p_game_mode)
                and (b.starts_at is null or b.starts_at <= p_now)
                and (b.ends_at is null or p_now < b.ends_at)
                and coalesce((
                    select e.value
                    from lb.board_entries as e
                    where
                        e.board_no = b.board_no
                        and e.period_start = lb._period_of(b, p_now)
                        and e.user_id = p_user_id
                ), 0) + p_score > r.threshold
            else false
        end
    order by r.rule_id
    limit 1
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._broken_rule from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
