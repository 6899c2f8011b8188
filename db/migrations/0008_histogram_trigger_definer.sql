-- Purpose: the histogram trigger runs as lb_owner. It is deferred, so it fires at COMMIT,
-- outside the security definer function that wrote the row, as the session's own role,
-- which (rightly) cannot touch lb.score_buckets.
set local role lb_owner;

alter function lb._on_total_change() security definer set search_path = pg_catalog, pg_temp;
