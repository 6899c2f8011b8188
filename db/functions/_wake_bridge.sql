-- Send the bridge a wake-up hint, but only when no bridge is awake. An awake bridge holds
-- lb._feed_lock_key() exclusively and polls on its own, so this try-lock fails and nothing is
-- sent. That matters: notifying commits serialize on a global lock held across their WAL flush
-- (measured 7.7k -> 4.3k TPS with one NOTIFY per submit). The shared lock is transaction-scoped
-- so it is gone at commit and never outlives the writer.
create or replace function lb._wake_bridge()
returns void
language plpgsql
as $$
begin
    if pg_try_advisory_xact_lock_shared(lb._feed_lock_key()) then
        perform pg_notify('lb_changes_v1', '{"v":1}');
    end if;
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._wake_bridge from public, lb_game_server, lb_web, lb_bridge;
