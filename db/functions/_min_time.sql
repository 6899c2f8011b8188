-- The earliest instant a board's times may be (its window, its anchor, every readable
-- period's bounds) and a read may ask for: the first instant every client of the API can
-- show (Python's datetime, and so the HTTP API's ISO 8601, begins at year 1). Listed by
-- lb.limits() in epoch seconds; tests/db/test_rules_parity.py holds Python's copy to it.
create or replace function lb._min_time()
returns timestamptz
language sql
immutable
parallel safe
return '0001-01-01 00:00:00+00'::timestamptz;

-- the grants below are the whole truth: revoke from every group first
revoke all on function lb._min_time from public, lb_game_server, lb_web, lb_bridge;
