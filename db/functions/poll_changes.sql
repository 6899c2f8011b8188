-- One poll of the change feed in one statement: a header row (the caller's snapshot and the
-- epoch, user_id null) and then the players changed since p_since. STABLE, so every part
-- reads with the calling statement's snapshot; the bridge polls every 10 ms while awake,
-- and this is one round trip instead of a REPEATABLE READ transaction's five.
create or replace function lb.poll_changes(p_since pg_snapshot)
returns table (
    snapshot pg_snapshot,
    epoch bigint,
    user_id bigint,
    total_score bigint,
    updated_at timestamptz,
    username text
)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select pg_current_snapshot(), e.epoch, null::bigint, null::bigint, null::timestamptz, null
    from lb.feed_epoch as e
    union all
    select null, null, c.user_id, c.total_score, c.updated_at, c.username
    from lb.read_changes(p_since) as c
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.poll_changes from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.poll_changes to lb_bridge;
