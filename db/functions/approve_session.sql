-- Approve a held session: it counts exactly as if it had been accepted when it was played,
-- on every board that counted sessions then and accepts it (mode, window), in its period if
-- that period is still retained. The player's entries there are recomputed from the log by
-- the one definition (lb._expected_entries), as lb.repair_board does: missing entries are
-- inserted, then the player's entries are locked and rewritten by a statement that runs
-- after the locks are held, so it sees every session committed before them and no submit of
-- the player can commit in between (one that did not commit yet adds its own score after).
-- Approving only adds a session, so values never go down and the index's never-backwards
-- writes take them. A rejected session may still be approved (a moderator's second look);
-- approving an approved one changes nothing. Returns the boards it counts on.
create or replace function lb.approve_session(
    p_session_id bigint, p_reason text default null, p_actor text default null
)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_actor text := lb._actor(p_actor);
    v_session lb.game_sessions;
    v_board lb.boards;
    v_period timestamptz;
    v_from timestamptz;
    v_to timestamptz;
    v_before jsonb;
begin
    v_session := lb._moderated_session(p_session_id);
    if v_session.review = 'approved' then
        return lb.session_boards(p_session_id);
    end if;
    update lb.game_sessions as s set review = 'approved' where s.id = p_session_id;
    -- the entries it will count on, as they are before it does (approved, it is one of
    -- lb._session_entries' sessions)
    v_before := lb.session_boards(p_session_id);
    for v_board in
        select b.*
        from lb.boards as b
        where
            p_session_id <@ b.counted_sessions
            and (b.game_mode is null or b.game_mode = v_session.game_mode)
            and (b.starts_at is null or b.starts_at <= v_session.played_at)
            and (b.ends_at is null or v_session.played_at < b.ends_at)
        order by b.board_no
    loop
        v_period := lb._period_of(v_board, v_session.played_at);
        select r.p_from, r.p_to into v_from, v_to from lb._readable_range(v_board, null) as r;
        continue when v_period < v_from or v_period >= v_to;
        v_to := lb._period_end(v_board, v_period);
        -- the entry, if the player has none yet (a submit that inserts it meanwhile wins)
        insert into lb.board_entries (board_no, period_start, user_id, value, tie_at)
        select v_board.board_no, x.period_start, x.user_id, x.value, x.tie_at
        from lb._expected_entries(v_board, v_period, v_to, 0, array[v_session.user_id]) as x
        on conflict (board_no, period_start, user_id) do nothing;
        perform
        from lb.board_entries as e
        where
            e.board_no = v_board.board_no
            and e.period_start = v_period
            and e.user_id = v_session.user_id
        for update;
        -- a new statement, so a new snapshot: every session committed before the lock
        update lb.board_entries as e
        set
            value = x.value,
            tie_at = x.tie_at,
            updated_at = clock_timestamp(),
            changed_xid = pg_current_xact_id()
        from lb._expected_entries(v_board, v_period, v_to, 0, array[v_session.user_id]) as x
        where
            e.board_no = v_board.board_no
            and e.period_start = x.period_start
            and e.user_id = x.user_id
            and (e.value, e.tie_at) is distinct from (x.value, x.tie_at);
    end loop;
    perform lb._audit(
        v_actor, 'session_approved', 'player:' || v_session.user_id, p_reason,
        jsonb_build_object(
            'session_id', p_session_id, 'held_by', v_session.held_by, 'score', v_session.score,
            'previous_review', v_session.review,
            'before', v_before, 'after', lb.session_boards(p_session_id)
        )
    );
    perform lb._wake_bridge();
    return lb.session_boards(p_session_id);
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.approve_session from public, lb_game_server, lb_web, lb_bridge, lb_moderator;
-- lb_web: the admin endpoints (/api/admin), which name the admin token as the actor
grant execute on function lb.approve_session to lb_moderator, lb_web;
