-- What the index needs to show a session's own result at once (read-your-writes over HTTP):
-- for every board the session counted on, the player's entry as it is now, in the change
-- feed's encoding (periods in epoch seconds, tie times in epoch microseconds), with the
-- epochs the bridge's index is checked against and the username. The web app writes these
-- into Redis with the bridge's never-backwards write right after the submit commits.
-- Values "as it is now" are never older than the session's own: a retry of a keyed submit
-- gets the current values too, which the never-backwards write accepts or ignores.
-- VOLATILE so that, called in the submit's statement, it sees the submit's own writes.
-- PL/pgSQL, not SQL: a SQL function with SET is never inlined and its query was planned again
-- on every call (0.4 ms of planning, for 0.05 ms of execution); PL/pgSQL keeps the plan.
create or replace function lb.session_entries(p_session_id bigint)
returns table (
    board_id text,
    board_no integer,
    board_epoch bigint,
    feed_epoch bigint,
    period_start bigint,
    user_id bigint,
    value bigint,
    tie_us bigint,
    username text
)
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return query
    select
        e.board_id,
        e.board_no,
        e.board_epoch,
        f.epoch,
        case when e.period_start <> '-infinity' then extract(epoch from e.period_start)::bigint end,
        e.user_id,
        e.value,
        case when e.tie_at <> '-infinity' then (extract(epoch from e.tie_at) * 1000000)::bigint end,
        u.username
    from lb._session_entries(p_session_id) as e
    inner join lb.users as u on e.user_id = u.id
    cross join lb.feed_epoch as f;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.session_entries from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.session_entries to lb_web;
