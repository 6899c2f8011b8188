-- Let go of the awake-bridge lock (see lb.claim_feed); submits send wake-up hints again.
create or replace function lb.release_feed()
returns boolean
language sql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
    select pg_advisory_unlock(lb._feed_lock_key())
$$;
