"""The Redis rank index: one sorted set per (board, period), fed by the bridge, read by web.

keys      every key name, from templates (nothing else builds one)
encoding  members, scores, tie times and period keys: how SQL's order becomes Redis's
scripts   the Lua scripts (scripts/*.lua) and how they are called
writer    what the bridge writes: compare-and-set applies, bulk loads, atomic installs
reader    what web and the top-10 builder read: ranks, pages, windows, caches, heartbeats
rebuild   a board's index rebuilt from one PostgreSQL snapshot and swapped in atomically

Per board, under the board's hash tag (so a board's keys share a cluster slot):
  meta               hash: cursor (the pg_snapshot its sets reflect), epoch, board_no,
                     board_epoch, tie, the published definition and current period, and
                     n:<period> = members of each period's set
  <period>           sorted set: score -value, members that sort like SQL's tie order
  <period>:t         hash (earliest-tie boards): user id -> the tie part of its member
  top10              JSON of the current period's cached top 10
Shared by every board: usernames (names:<epoch>:<id // 100>), the top-10 lock, events,
bridge heartbeats.

In a sharded deployment each shard's bridge keeps its part of every board under
b:{board}:s<shard>: (Keys.shard), and ShardedIndexReader reads all parts in one call.

Each board carries its own cursor, written by the same Lua call as the members it describes,
so a board and its cursor can never disagree and one board is rebuilt without touching the
others. Every write is a compare-and-set on that cursor, so any number of bridges can write
and the result is the same as one bridge's.
"""
