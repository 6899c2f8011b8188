-- Purpose: the change feed carries usernames, so the Redis index can label ranks without a
-- query per read (usernames never change). A return type change needs the old functions
-- dropped; db/functions recreates them. "if exists": a fresh database runs every migration
-- before any function is created.
set local role lb_owner;

drop function if exists lb.poll_changes(pg_snapshot);
drop function if exists lb.read_changes(pg_snapshot);
