-- Purpose: lb.release_feed() now returns the xid horizon the bridge waits for (was boolean);
-- a return type change needs the old function dropped. db/functions recreates it.
-- "if exists": a fresh database runs every migration before any function is created.

drop function if exists lb.release_feed();
