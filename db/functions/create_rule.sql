-- A plausibility rule (lb.rules): sessions that break it are held, not counted, until a
-- moderator approves them. p_kind: max_score (a session's score above p_threshold),
-- max_submits_per_minute (a player's submits in the last minute at p_threshold already),
-- max_gain_per_period (a player's value in the current period of p_board, a periodic sum
-- board, would pass p_threshold). p_game_mode limits it to one mode (null: every mode).
create or replace function lb.create_rule(
    p_rule_id text,
    p_kind text,
    p_threshold bigint,
    p_game_mode text default null,
    p_board text default null,
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
    v_board lb.boards;
begin
    if p_rule_id is null or p_rule_id !~ '^[a-z0-9][a-z0-9_-]{0,39}$' then
        perform lb._invalid_argument(
            'p_rule_id', 'must be 1 to 40 of a-z, 0-9, _ and -, starting with a letter or digit',
            p_rule_id
        );
    end if;
    if p_kind is null or p_kind not in ('max_score', 'max_submits_per_minute', 'max_gain_per_period') then
        perform lb._invalid_argument(
            'p_kind', 'must be one of max_score, max_submits_per_minute, max_gain_per_period', p_kind
        );
    end if;
    if p_threshold is null or p_threshold not between 0 and lb._max_value() then
        perform lb._invalid_argument(
            'p_threshold', format('must be an integer from 0 to %s', lb._max_value()), p_threshold::text
        );
    end if;
    if p_game_mode is not null and not exists (select from lb.game_modes as m where m.game_mode = p_game_mode) then
        perform lb._invalid_game_mode(p_game_mode);
    end if;
    if p_kind = 'max_gain_per_period' then
        if p_board is null then
            perform lb._invalid_argument('p_board', 'is required for max_gain_per_period', null);
        end if;
        v_board := lb._board(p_board);
        if v_board.reset = 'never' or v_board.aggregate <> 'sum' then
            perform lb._invalid_argument(
                'p_board', 'must be a sum board that resets, for max_gain_per_period', p_board
            );
        end if;
    elsif p_board is not null then
        perform lb._invalid_argument('p_board', 'is only for max_gain_per_period', p_board);
    end if;
    begin
        insert into lb.rules (rule_id, kind, game_mode, board_no, threshold, created_by)
        values (p_rule_id, p_kind, p_game_mode, v_board.board_no, p_threshold, v_actor);
    exception when unique_violation then
        raise exception using
            errcode = 'unique_violation',
            message = format('rule %L already exists', p_rule_id),
            column = 'p_rule_id';
    end;
    perform lb._audit(
        v_actor, 'rule_created', 'rule:' || p_rule_id, null,
        jsonb_build_object('after', (select to_jsonb(r) from lb.list_rules() as r where r.rule_id = p_rule_id))
    );
    return query select * from lb.list_rules() as r where r.rule_id = p_rule_id;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.create_rule from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
-- lb_web: the admin endpoints (/api/admin), which name the admin token as the actor
grant execute on function lb.create_rule to lb_moderator, lb_web;
