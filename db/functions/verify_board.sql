-- Admin: check a board against its own log, exactly, in one snapshot: every entry of its
-- readable periods (all it keeps when p_period is null, else that one) against what the
-- session log implies (lb._expected_entries), and every rank-histogram row against the
-- entries it counts. Returns the mismatches, none when the board is consistent:
-- kind 'missing_entry', 'extra_entry', 'value', 'tie' (expected and found in microseconds
-- since 1970) with the player, or 'histogram' with the bucket (expected and found: players);
-- period_start null on an all-time board.
-- Read-only; `leaderboard verify` calls it and also compares Redis with PostgreSQL.
create or replace function lb.verify_board(p_board text, p_period timestamptz default null)
returns table (
    kind text,
    period_start timestamptz,
    user_id bigint,
    bucket bigint,
    expected bigint,
    found bigint
)
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_board lb.boards;
    v_from timestamptz;
    v_to timestamptz;
begin
    v_board := lb._board(p_board);
    select r.p_from, r.p_to into v_from, v_to from lb._readable_range(v_board, p_period) as r;
    return query
    select m.kind, nullif(m.period_start, '-infinity'), m.user_id, null::bigint, m.expected, m.found
    from lb._entry_mismatches(v_board, v_from, v_to) as m
    order by m.period_start, m.user_id;
    return query
    select 'histogram', nullif(h.period_start, '-infinity'), null::bigint, h.bucket, h.expected, h.found
    from lb._histogram_mismatches(v_board, v_from, v_to) as h
    order by h.period_start, h.bucket;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.verify_board from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.verify_board to lb_web, lb_bridge;
