-- The longest username lb.create_player accepts.
-- Listed by lb.limits(); tests/db/test_rules_parity.py holds Python's copy (leaderboard/rules.py)
-- to it. Immutable and one expression, so callers' plans fold it into a constant.
create or replace function lb._max_username_length()
returns integer
language sql
immutable
parallel safe
return 50;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._max_username_length from public, lb_game_server, lb_web, lb_bridge;
