-- Admin: delete every player, session, board value and idempotency key, and restart player
-- and session ids; the boards themselves stay. Bridges see the new epoch and rebuild empty.
create or replace function lb.clear_all()
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    truncate lb.idempotency_keys, lb.game_sessions, lb.board_entries, lb.board_buckets, lb.users
    restart identity;
    -- session ids start again: an enabled board counts every session from now on
    update lb.boards as b
    set counted_sessions = case when b.enabled then '{(,)}'::int8multirange else '{}' end;
    perform lb._bump_epoch();
    perform lb._wake_bridge();
end;
$$;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb.clear_all from public, lb_game_server, lb_web, lb_bridge;
grant execute on function lb.clear_all to lb_web;
