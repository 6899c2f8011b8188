-- The boards a session counted on, with the player's value there: [{board, period_start,
-- value}], `global` first (see lb._boards_json). For clients that show "your new best on the
-- weekly board" after a submit: `select s.*, lb.session_boards(s.session_id, <key>) from
-- lb.submit_score(..., <key>) as s` answers both in one statement. With the submit's
-- idempotency key, the values recorded when it was first accepted (a retry gets the first
-- answer); without, the values now. VOLATILE so that, called that way, it sees the submit's
-- own writes (a STABLE function would read with the statement's starting snapshot).
create or replace function lb.session_boards(
    p_session_id bigint, p_idempotency_key text default null
)
returns jsonb
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_recorded jsonb;
begin
    if p_idempotency_key is not null then
        select k.boards into v_recorded
        from lb.idempotency_keys as k
        where k.idempotency_key = p_idempotency_key and k.session_id = p_session_id;
        if v_recorded is not null then
            return v_recorded;
        end if;
    end if;
    return (
        select lb._boards_json(
            array_agg(b.board_id order by b.board_id <> 'global', b.board_id),
            array_agg(e.period_start order by b.board_id <> 'global', b.board_id),
            array_agg(e.value order by b.board_id <> 'global', b.board_id)
        )
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
        where s.id = p_session_id
    );
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.session_boards from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.session_boards to lb_game_server, lb_web;
