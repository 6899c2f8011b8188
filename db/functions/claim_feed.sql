-- Mark the calling session as the awake bridge, so submits stop sending wake-up hints.
-- Session-scoped on purpose: it lasts while the bridge polls and vanishes with its connection.
-- Returns false when another bridge is awake. Under load submits hold the lock in shared mode
-- almost all the time, so a try-lock would keep failing; instead this queues for it: while
-- it waits, new shared try-locks fail at once (a waiting exclusive request conflicts with
-- them), the submits in flight commit within milliseconds, and the lock is granted.
create or replace function lb.claim_feed()
returns boolean
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform set_config('lock_timeout', '200ms', true);
    perform pg_advisory_lock(lb._feed_lock_key());
    return true;
exception
    when lock_not_available then
        return false;  -- another bridge holds it: that one is awake
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.claim_feed from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.claim_feed to lb_bridge;
