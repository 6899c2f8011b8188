-- The longest period of a fixed board: a century. Bounded so that the period arithmetic of
-- any board stays far from overflowing (a board whose reset_every was 999999999 days made
-- lb.create_board fail with an overflow instead of a named argument, issue 27). Listed by
-- lb.limits() in seconds.
create or replace function lb._max_reset_every()
returns interval
language sql
immutable
parallel safe
return interval '36525 days';

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._max_reset_every from public, lb_game_server, lb_web, lb_bridge;
