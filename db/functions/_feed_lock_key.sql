-- The advisory lock an awake bridge holds (exclusively) while it polls the change feed.
create or replace function lb._feed_lock_key()
returns bigint
language sql
immutable
parallel safe
return 7810599710500001;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._feed_lock_key from public, lb_game_server, lb_web, lb_bridge;
