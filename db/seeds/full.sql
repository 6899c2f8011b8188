-- Full preset: the example boards, then 1,000,000 players and 5,000,000 sessions (every
-- enabled board is filled from them; about a minute on 2 cores).
--   psql "$DATABASE_URL" -f db/seeds/full.sql
-- Into an empty database this is a bulk load; otherwise it appends (see README "Commands").
\set ON_ERROR_STOP on
\timing on
\ir boards.sql
select * from lb.seed(1000000, 5000000);
vacuum analyze lb.board_entries;
