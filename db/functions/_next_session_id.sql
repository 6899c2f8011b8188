-- The lowest id a session inserted from now on can get: every committed session has a lower
-- one. Exact only while lb.game_sessions is locked against inserts (SHARE), as every caller
-- holds it: no insert is then in flight, and ids only grow (on a shard, by the shard count).
create or replace function lb._next_session_id()
returns bigint
language sql
volatile
return coalesce(
    pg_sequence_last_value(pg_get_serial_sequence('lb.game_sessions', 'id')::regclass), 0
) + 1;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._next_session_id from public, lb_game_server, lb_web, lb_bridge;
