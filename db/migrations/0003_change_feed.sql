-- Purpose: the durable change record the bridge reads: a per-player change stamp plus an epoch.
-- Each leaderboard row carries the id of the transaction that last changed it, so the record
-- is bounded by the number of players and always holds the absolute total. The bridge reads
-- rows whose stamp was not visible in its last snapshot (see lb.read_changes), which cannot
-- skip a transaction that took its id early and committed late.

alter table lb.leaderboard
add column changed_xid xid8 not null default pg_current_xact_id();

-- serves lb.read_changes: rows stamped at or after a snapshot's xmax, or by its in-progress xids
create index leaderboard_changed_xid_idx on lb.leaderboard (changed_xid);

-- Bumped by bulk operations that can lower or remove totals (clear, bulk seed); the bridge
-- rebuilds its index when the epoch it built from is not the current one.
create table lb.feed_epoch (
    singleton boolean primary key default true,
    epoch bigint not null,
    changed_at timestamptz not null default now(),
    constraint feed_epoch_singleton check (singleton)
);

insert into lb.feed_epoch (epoch) values (1);
