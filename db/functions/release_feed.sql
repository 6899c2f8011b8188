-- Let go of the awake-bridge lock (see lb.claim_feed), so submits send wake-up hints again, and
-- return a horizon: an xid assigned after the release. A submit that skipped its hint did so
-- before the release, and it had its xid before that, so once every xid below the horizon has
-- finished (a snapshot's xmin reaches it), no such submit can still be committing.
create or replace function lb.release_feed()
returns xid8
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    perform pg_advisory_unlock(lb._feed_lock_key());
    -- the xid is only a marker: its commit record needs no flush to be waited for
    perform set_config('synchronous_commit', 'off', true);
    return pg_current_xact_id();
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.release_feed from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.release_feed to lb_bridge;
