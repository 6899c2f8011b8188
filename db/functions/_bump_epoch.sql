-- Start a new feed epoch: after a bulk change that lowers or removes totals, incremental
-- updates cannot express it, so every bridge rebuilds its index.
create or replace function lb._bump_epoch()
returns bigint
language sql
as $$
    update lb.feed_epoch
    set epoch = epoch + 1, changed_at = now()
    returning epoch
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._bump_epoch from public, lb_game_server, lb_web, lb_bridge;
