-- Record one game session and count it on every enabled board that accepts it (its mode, its
-- window) for the board's current period, in one transaction; the write path for game
-- servers and the HTTP API. total_score is the player's `global` total. With an idempotency
-- key, a retry returns the first result and changes nothing on any board. The session
-- records who wrote it (lb._actor: the login, or the server key the web app checked). A
-- session that breaks a rule (lb.rules) is recorded but held: it counts on no board until a
-- moderator approves it, and held_by names the rule (null: counted).
create or replace function lb.submit_score(
    p_user_id bigint,
    p_score integer,
    p_game_mode text default 'classic',
    p_idempotency_key text default null,
    p_actor text default null
)
returns table (
    session_id bigint, user_id bigint, score integer, total_score bigint, held_by text
)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
-- Every statement here has one good plan whatever the arguments (key lookups). Left to
-- choose, PL/pgSQL re-planned the board-skip query below on every call (its custom plans
-- looked cheaper than the generic one, whose arrays it sizes blindly): 95 us of planning
-- per submit with four boards, 60% of the function's own time (pg_stat_statements with
-- track_planning, pgbench -c 1).
set plan_cache_mode = force_generic_plan
as $$
#variable_conflict use_column
declare
    v_prior lb.idempotency_keys%rowtype;
    v_session_id bigint;
    v_total bigint;
    v_now timestamptz;
    v_boards integer[];
    v_periods timestamptz[];
    v_ties timestamptz[];
    v_sums integer[];
    v_global integer;
    v_written integer[];
    v_may_skip boolean;
    v_held text;
begin
    if p_user_id is null or p_user_id <= 0 then
        perform lb._invalid_argument('p_user_id', 'must be a positive integer', p_user_id::text);
    end if;
    if p_score is null or p_score not between 0 and lb._max_score() then
        perform lb._invalid_argument(
            'p_score', format('must be an integer from 0 to %s', lb._max_score()), p_score::text
        );
    end if;
    if p_game_mode is null then
        perform lb._invalid_game_mode(p_game_mode);
    end if;
    if length(p_idempotency_key) not between 1 and lb._max_key_length() then
        perform lb._invalid_argument(
            'p_idempotency_key', format('must be 1 to %s characters', lb._max_key_length()),
            p_idempotency_key
        );
    end if;

    if p_idempotency_key is not null then
        if not exists (select from lb.game_modes as m where m.game_mode = p_game_mode) then
            perform lb._invalid_game_mode(p_game_mode);
        end if;
        -- Requests with the same key run one at a time; the lock is transaction-scoped, so the
        -- second sees the first's committed key (or none, if it rolled back).
        perform pg_advisory_xact_lock(hashtextextended(p_idempotency_key, 0));
        select k.* into v_prior
        from lb.idempotency_keys as k
        where k.idempotency_key = p_idempotency_key;
        if found then
            if (v_prior.user_id, v_prior.score, v_prior.game_mode)
                is distinct from (p_user_id, p_score, p_game_mode) then
                raise exception using
                    errcode = 'LB001',
                    message = format(
                        'p_idempotency_key %L was already used for a different submit', p_idempotency_key
                    ),
                    detail = format(
                        'first used for user_id=%s score=%s game_mode=%s',
                        v_prior.user_id, v_prior.score, v_prior.game_mode
                    ),
                    column = 'p_idempotency_key';
            end if;
            return query select
                v_prior.session_id, v_prior.user_id, v_prior.score, v_prior.total_score,
                v_prior.held_by;
            return;
        end if;
    end if;

    -- The session first, if its player and mode exist (lb.game_modes is the list of modes;
    -- the session log has no foreign key to it: the KEY SHARE lock every insert would take on
    -- the mode's one row cost about 5% of write throughput). Its insert takes the ROW EXCLUSIVE
    -- lock on lb.game_sessions before the board list is read below: a backfill
    -- (lb.create_board) holds SHARE on it while it reads the log, so a submit either
    -- finishes before the backfill reads or reads the board list after the new board is
    -- committed. Either way its session counts once.
    v_now := lb._now();
    v_held := lb._broken_rule(p_user_id, p_score, p_game_mode, v_now);
    insert into lb.game_sessions (user_id, score, game_mode, played_at, written_by, held_by, review)
    select
        p_user_id, p_score, p_game_mode, v_now, lb._actor(p_actor), v_held,
        case when v_held is not null then 'held' end
    where
        exists (select from lb.users as u where u.id = p_user_id)
        and exists (select from lb.game_modes as m where m.game_mode = p_game_mode)
    returning id into v_session_id;
    if v_session_id is null then
        if not exists (select from lb.game_modes as m where m.game_mode = p_game_mode) then
            perform lb._invalid_game_mode(p_game_mode);
        end if;
        raise exception using
            errcode = 'no_data_found',
            message = format('player %s does not exist', p_user_id),
            column = 'p_user_id';
    end if;

    -- The boards that accept the session (read after the lock above, see there); none for a
    -- held session.
    select
        coalesce(array_agg(b.board_no), '{}'),
        array_agg(lb._period_of(b, v_now)),
        array_agg(case when b.tie_break = 'earliest' then v_now else '-infinity'::timestamptz end),
        coalesce(array_agg(b.board_no) filter (where b.aggregate = 'sum'), '{}'),
        min(b.board_no) filter (where b.board_id = 'global'),
        bool_or(b.aggregate = 'best') or p_score = 0
    into v_boards, v_periods, v_ties, v_sums, v_global, v_may_skip
    from lb.boards as b
    where
        v_held is null
        and b.enabled
        and (b.game_mode is null or b.game_mode = p_game_mode)
        and (b.starts_at is null or b.starts_at <= v_now)
        and (b.ends_at is null or v_now < b.ends_at);

    -- Every one of them in one statement; concurrent submits for a player queue on each entry
    -- and re-read it, so none is lost. Sum boards add (a 0 changes nothing, not even the
    -- change stamp, once the entry exists); best boards keep the higher score, or on
    -- 'earliest' boards the same score reached earlier. tie_at of a sum entry is the start of
    -- the latest session that raised it (the earliest, while it is 0), which a recompute from
    -- the log finds again whatever order sessions committed in. Board sets travel as arrays:
    -- a subquery per conflicting row cost more (measured with pgbench, 8 clients).
    -- Where the session may change nothing (a best board, or a score of 0), the rows it
    -- cannot change are left out before the upsert: ON CONFLICT DO UPDATE locks (and logs)
    -- the row even when its WHERE says no, which every non-improving submit on a best board
    -- would pay. Leaving a row out on this statement's snapshot is safe: values and tie times
    -- only ever move one way, so a row that cannot change now cannot later either. (A
    -- separate query for this cost 43 us a submit with four boards; inside, about a third.)
    if cardinality(v_boards) > 0 then
        with written as (
            insert into lb.board_entries as e (board_no, period_start, user_id, value, tie_at)
            select n.board_no, n.period_start, p_user_id, p_score, n.tie_at
            from unnest(v_boards, v_periods, v_ties) as n (board_no, period_start, tie_at)
            where
                not v_may_skip
                or not exists (
                    select
                    from lb.board_entries as o
                    where
                        o.board_no = n.board_no
                        and o.period_start = n.period_start
                        and o.user_id = p_user_id
                        and not (n.board_no = any(v_sums) and p_score > 0)
                        and not (p_score = o.value and n.tie_at < o.tie_at)
                        and not (n.board_no <> all(v_sums) and p_score > o.value)
                )
            -- Rows change in board order, so their deferred histogram moves run in board
            -- order at commit, and each locks its buckets in ascending order: two submits'
            -- commits can never wait on each other's buckets in a cycle.
            order by n.board_no
            on conflict (board_no, period_start, user_id) do update
                set
                    value = case
                        when e.board_no = any(v_sums) then e.value + excluded.value
                        else excluded.value
                    end,
                    tie_at = case
                        when e.board_no <> all(v_sums) then excluded.tie_at
                        when excluded.value = 0 then least(e.tie_at, excluded.tie_at)
                        when e.value = 0 then excluded.tie_at
                        else greatest(e.tie_at, excluded.tie_at)
                    end,
                    updated_at = clock_timestamp(),
                    changed_xid = pg_current_xact_id()
                where case
                    when e.board_no = any(v_sums)
                        then (excluded.value > 0 and e.value <= lb._max_value() - excluded.value)
                        or (excluded.value = 0 and e.value = 0 and excluded.tie_at < e.tie_at)
                    else excluded.value > e.value
                        or (excluded.value = e.value and excluded.tie_at < e.tie_at)
                end
            returning e.board_no, e.value
        )

        select
            array_agg(w.board_no),
            min(w.value) filter (where w.board_no = v_global)
        into v_written, v_total
        from written as w;
    end if;
    -- the global board left unchanged (a score of 0, a held session): its total as it is
    if v_total is null then
        select e.value into v_total
        from lb.board_entries as e
        where
            e.board_no = coalesce(v_global, (select b.board_no from lb.boards as b where b.board_id = 'global'))
            and e.period_start = '-infinity'
            and e.user_id = p_user_id;
        if v_held is not null then
            v_total := coalesce(v_total, 0);  -- held before any session counted
        end if;
    end if;

    -- a sum entry not written although the score adds something would pass lb._max_value()
    if v_held is null and p_score > 0 and not v_sums <@ coalesce(v_written, '{}') then
        perform lb._total_out_of_range(p_user_id, p_score, p_game_mode, v_now);
    end if;

    if p_idempotency_key is not null then
        -- with what lb.session_boards answers now (it sees this transaction's writes), so a
        -- retry gets the first answer
        insert into lb.idempotency_keys (
            idempotency_key, session_id, user_id, score, game_mode, total_score, boards, held_by
        ) values (
            p_idempotency_key, v_session_id, p_user_id, p_score, p_game_mode, v_total,
            lb.session_boards(v_session_id), v_held
        );
    end if;

    if v_held is null then
        perform lb._wake_bridge();
    end if;
    session_id := v_session_id;
    user_id := p_user_id;
    score := p_score;
    total_score := v_total;
    held_by := v_held;
    return next;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.submit_score from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.submit_score to lb_game_server, lb_web;
