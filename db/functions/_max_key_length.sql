-- The longest idempotency key lb.submit_score accepts.
-- Listed by lb.limits(); tests/db/test_rules_parity.py holds Python's copy (leaderboard/rules.py)
-- to it. Immutable and one expression, so callers' plans fold it into a constant.
create or replace function lb._max_key_length()
returns integer
language sql
immutable
parallel safe
return 255;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._max_key_length from public, lb_game_server, lb_web, lb_bridge;
