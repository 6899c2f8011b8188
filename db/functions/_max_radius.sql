-- The most neighbours on each side lb.players_around may ask for.
-- Listed by lb.limits(); tests/db/test_rules_parity.py holds Python's copy (leaderboard/rules.py)
-- to it. Immutable and one expression, so callers' plans fold it into a constant.
create or replace function lb._max_radius()
returns integer
language sql
immutable
parallel safe
return 50;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._max_radius from public, lb_game_server, lb_web, lb_bridge;
