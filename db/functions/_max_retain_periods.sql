-- The most past periods a board may keep readable.
-- Listed by lb.limits(); tests/db/test_rules_parity.py holds Python's copy (leaderboard/rules.py)
-- to it. Immutable and one expression, so callers' plans fold it into a constant.
create or replace function lb._max_retain_periods()
returns integer
language sql
immutable
parallel safe
return 1000;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._max_retain_periods from public, lb_game_server, lb_web, lb_bridge;
