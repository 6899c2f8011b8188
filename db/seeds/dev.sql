-- Development preset: the example boards, then 10,000 players and 50,000 sessions (every
-- enabled board is filled from them).
--   psql "$DATABASE_URL" -f db/seeds/dev.sql
-- Into an empty database this is a bulk load; otherwise it appends (see README "Commands").
\set ON_ERROR_STOP on
\timing on
\ir boards.sql
select * from lb.seed(10000, 50000);
vacuum analyze lb.board_entries;
