"""One catch-up step: bring the Redis index from its cursor to PostgreSQL's current snapshot.

The index carries its own cursor (see leaderboard.rankindex). A step reads the index state,
opens a snapshot, and either
  - rebuilds, when the index is missing, from another epoch, or lost members, or
  - reads the players changed since the cursor and writes their absolute totals with a
    compare-and-set on the cursor; if another bridge moved it first, the step starts over.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from bridge.feed import ChangeFeed, Position
from bridge.status import Status
from leaderboard import logs
from leaderboard.rankindex import RankIndex

log = logs.get("bridge")

REBUILD_LOCK_MS = 120_000
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class SyncResult:
    applied: int
    position: Position | None
    rebuilt: bool = False


class Syncer:
    """Keeps the index's cursor as last read or written, so an idle poll touches only
    PostgreSQL (one statement); the index's state is re-read from Redis every
    `verify_every_s` (the safety poll interval), which notices an index that vanished or lost
    members even when nothing changes, and whenever a write is refused."""

    def __init__(
        self, feed: ChangeFeed, index: RankIndex, status: Status, verify_every_s: float = 1.0
    ) -> None:
        self.feed = feed
        self.index = index
        self.status = status
        self.verify_every_s = verify_every_s
        self._cursor: str | None = None
        self._epoch: int | None = None
        self._verified_at = 0.0

    def sync_once(self) -> SyncResult:
        for _ in range(MAX_ATTEMPTS):
            if self._cursor is None or time.monotonic() - self._verified_at >= self.verify_every_s:
                state = self.index.state()
                self._verified_at = time.monotonic()
                if state is None or not state.consistent:
                    return self._rebuild("missing" if state is None else "lost_members")
                self._cursor, self._epoch = state.cursor, state.epoch
            position, changes = self.feed.poll(self._cursor)
            if position.epoch != self._epoch:
                return self._rebuild("epoch")
            if not changes:
                self.status.synced()
                return SyncResult(0, position)
            outcome = self.index.apply(
                self._cursor,
                position.snapshot,
                position.epoch,
                [(c.user_id, c.total_score, c.username) for c in changes],
            )
            if outcome == "ok":
                self._cursor = position.snapshot
                self.status.record_changes(c.updated_at for c in changes)
                if len(changes) >= 1000:
                    log.info("caught_up", changes=len(changes))
                return SyncResult(len(changes), position)
            # moved (another bridge wrote first), missing or epoch: re-read the index, retry
            self._cursor = None
            log.debug("retry_sync", outcome=outcome)
        # other bridges kept moving the cursor; they are doing the work, and we retry next poll
        return SyncResult(0, None)

    def _rebuild(self, reason: str) -> SyncResult:
        self._cursor = None  # read back from the index after the swap
        with self.feed.snapshot() as position:
            players, seconds = rebuild(self.feed, self.index, position)
        if players is None:
            return SyncResult(0, None)
        self.status.record_rebuild(players, seconds, reason)
        log.info("rebuilt", players=players, seconds=round(seconds, 2), reason=reason)
        return SyncResult(players, position, rebuilt=True)


def rebuild(feed: ChangeFeed, index: RankIndex, position: Position) -> tuple[int | None, float]:
    """Build the whole index at `position` into a temporary key, then swap it in atomically.

    Call inside feed.snapshot(). Writes committed meanwhile are newer than the snapshot, so the
    next step reads them. Returns (None, 0) when another process holds the rebuild lock.
    """
    token = uuid.uuid4().hex
    if not index.redis.set(index.rebuild_lock_key, token, nx=True, px=REBUILD_LOCK_MS):
        return None, 0.0
    started = time.monotonic()
    try:
        temp = index.new_temp_key(token)
        players = index.load(temp, position.epoch, feed.everything())
        index.install(temp, position.snapshot, position.epoch, players)
        index.drop_names_except(position.epoch)
    finally:
        index.release_lock(index.rebuild_lock_key, token)
    return players, time.monotonic() - started
