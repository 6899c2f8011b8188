-- The entries a session counted on: for every board that accepts the session (its mode, its
-- window), the player's entry in the period of the session. The one definition behind
-- lb.session_boards (what a client is told) and lb.session_entries (what the web app echoes
-- into the index). A held or rejected session counts on none. A plain SQL function, so it
-- is inlined into both.
create or replace function lb._session_entries(p_session_id bigint)
returns table (
    board_id text,
    board_no integer,
    board_epoch bigint,
    period_start timestamptz,
    user_id bigint,
    value bigint,
    tie_at timestamptz
)
language sql
stable
as $$
    select b.board_id, b.board_no, b.epoch, e.period_start, e.user_id, e.value, e.tie_at
    from lb.game_sessions as s
    inner join lb.boards as b
        on
            (b.game_mode is null or b.game_mode = s.game_mode)
            and (b.starts_at is null or b.starts_at <= s.played_at)
            and (b.ends_at is null or s.played_at < b.ends_at)
    inner join lb.board_entries as e
        on
            b.board_no = e.board_no
            and e.period_start = lb._period_of(b, s.played_at)
            and s.user_id = e.user_id
    where s.id = p_session_id and (s.review is null or s.review = 'approved')
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._session_entries from public, lb_game_server, lb_web, lb_bridge;
