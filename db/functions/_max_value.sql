-- The highest value a board entry may reach, 2^53-1: Redis scores are doubles, which hold every
-- integer up to here exactly.
-- Listed by lb.limits(); tests/db/test_rules_parity.py holds Python's copy (leaderboard/rules.py)
-- to it. Immutable and one expression, so callers' plans fold it into a constant.
create or replace function lb._max_value()
returns bigint
language sql
immutable
parallel safe
return 9007199254740991;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._max_value from public, lb_game_server, lb_web, lb_bridge;
