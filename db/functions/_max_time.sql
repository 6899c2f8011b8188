-- The latest instant a board's times may be and a read may ask for: the last instant every
-- client of the API can show (Python's datetime ends with year 9999; a board whose period
-- ended in year 10000 broke every read of every board, issue 27). Listed by lb.limits() in
-- epoch seconds; tests/db/test_rules_parity.py holds Python's copy to it.
create or replace function lb._max_time()
returns timestamptz
language sql
immutable
parallel safe
return '9999-12-31 23:59:59.999999+00'::timestamptz;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._max_time from public, lb_game_server, lb_web, lb_bridge;
