-- One poll of the change feed in one statement: a header row (the caller's snapshot, the
-- epoch and the board list's version; board_no null) and then the entries of p_boards (null:
-- every board) changed since p_since. STABLE, so every part reads with the calling
-- statement's snapshot; the bridge polls every 25 ms while awake, and this is one round trip
-- instead of a REPEATABLE READ transaction's five.
create or replace function lb.poll_changes(p_since pg_snapshot, p_boards integer[] default null)
returns table (
    snapshot pg_snapshot,
    epoch bigint,
    boards_version bigint,
    board_no integer,
    period_start bigint,
    user_id bigint,
    value bigint,
    tie_us bigint,
    updated_at double precision,
    username text
)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select
        pg_current_snapshot(), e.epoch, e.boards_version,
        null::integer, null::bigint, null::bigint, null::bigint, null::bigint, null::float8, null
    from lb.feed_epoch as e
    union all
    select
        null, null, null,
        c.board_no, c.period_start, c.user_id, c.value, c.tie_us, c.updated_at, c.username
    from lb.read_changes(p_since, p_boards) as c
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.poll_changes from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.poll_changes to lb_bridge;
