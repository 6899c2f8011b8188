-- Admin: delete every player, session, total and idempotency key, and restart ids. Bridges
-- see the new epoch and rebuild their index empty.
create or replace function lb.clear_all()
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    truncate lb.idempotency_keys, lb.game_sessions, lb.leaderboard, lb.score_buckets, lb.users
    restart identity;
    perform lb._bump_epoch();
    perform lb._wake_bridge();
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.clear_all from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.clear_all to lb_web;
