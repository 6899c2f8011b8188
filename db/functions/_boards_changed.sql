-- Tell bridges the board list changed (created, updated, deleted, recomputed): they reload it
-- when the version they see in a poll moves.
create or replace function lb._boards_changed()
returns void
language plpgsql
as $$
begin
    update lb.feed_epoch set boards_version = boards_version + 1;
    perform lb._wake_bridge();
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._boards_changed from public, lb_game_server, lb_web, lb_bridge;
