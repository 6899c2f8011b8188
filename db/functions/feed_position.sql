-- Where the change feed is now: the caller's snapshot, the epoch (bulk changes to every board)
-- and the board list's version. Call it first in a REPEATABLE READ transaction, then
-- lb.read_changes, so both see the same snapshot.
create or replace function lb.feed_position()
returns table (snapshot pg_snapshot, epoch bigint, boards_version bigint)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
    select pg_current_snapshot(), e.epoch, e.boards_version
    from lb.feed_epoch as e
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.feed_position from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.feed_position to lb_bridge;
