-- Purpose: remember which transaction created each leaderboard row, so the change feed sends
-- a username only for players new since the reader's snapshot (names never change; sending
-- one with every change roughly doubled the bridge's CPU). Existing rows keep NULL, "known
-- long ago": a rebuild writes every name anyway. The default is set after the column is
-- added, so adding it does not rewrite the table under an exclusive lock.
set local role lb_owner;

alter table lb.leaderboard add column created_xid xid8;
alter table lb.leaderboard alter column created_xid set default pg_current_xact_id();
