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
            array_agg(e.board_id order by e.board_id <> 'global', e.board_id),
            array_agg(e.period_start order by e.board_id <> 'global', e.board_id),
            array_agg(e.value order by e.board_id <> 'global', e.board_id)
        )
        from lb._session_entries(p_session_id) as e
    );
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.session_boards from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.session_boards to lb_game_server, lb_web;
