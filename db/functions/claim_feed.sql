-- Mark the calling session as the awake bridge, so submits stop sending wake-up hints.
-- Session-scoped on purpose: it lasts while the bridge polls and vanishes with its connection.
-- Returns false when another bridge is awake. The retries let submits that already took the
-- shared lock (to notify) commit; while this session waits, new submits skip notifying.
create or replace function lb.claim_feed()
returns boolean
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    for i in 1..20 loop
        if pg_try_advisory_lock(lb._feed_lock_key()) then
            return true;
        end if;
        perform pg_sleep(0.002);
    end loop;
    return false;
end;
$$;

revoke all on function lb.claim_feed from public;
grant execute on function lb.claim_feed to lb_bridge;
