"""The cached top 10: rebuilt from the sorted set every refresh interval, under a Redis lock.

The lock is SET NX PX with a unique token and is *not* released after a build: it expires just
before the next interval, so with any number of bridges there is one build per interval in
total (a lock dropped right after building would let the next bridge build again at once).
Only on shutdown is it released early, and only by its owner (compare-and-delete).
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from bridge.status import Status
from leaderboard import logs
from leaderboard.clock import iso
from leaderboard.rankindex import IndexUnavailable, RankIndex

log = logs.get("bridge.top10")


class Top10Refresher:
    def __init__(self, index: RankIndex, interval_ms: int, status: Status) -> None:
        self.index = index
        self.interval_ms = interval_ms
        # expire a little before the next tick of the same bridge, so it can take it again
        self.lock_ms = interval_ms - min(1000, interval_ms // 10)
        self.status = status
        self.token: str | None = None

    def refresh(self) -> bool:
        """Build the cache if no bridge has this interval; True if this call built it."""
        token = uuid.uuid4().hex
        if not self.index.redis.set(self.index.top10_lock_key, token, nx=True, px=self.lock_ms):
            return False
        self.token = token
        try:
            entries = self.index.page(10, 0)
        except IndexUnavailable:
            log.info("top10_skipped", reason="index_missing")
            return False
        built_at = time.time()
        data = [
            {
                "rank": e.rank,
                "user_id": e.user_id,
                "username": e.username,
                "total_score": e.total_score,
            }
            for e in entries
        ]
        previous = self.index.cached_top10()
        payload: dict[str, Any] = {
            "data": data,
            "built_at": iso(built_at),
            "built_at_ms": int(built_at * 1000),
            "next_refresh_at": iso(built_at + self.interval_ms / 1000),
            "interval_ms": self.interval_ms,
            "built_by": self.status.bridge_id,
        }
        changed = previous is None or previous.get("data") != data
        event = {"type": "top10" if changed else "refresh", **payload}
        pipe = self.index.redis.pipeline(transaction=True)
        pipe.set(self.index.top10_key, json.dumps(payload))
        pipe.incr(self.index.top10_builds_key)
        pipe.publish(self.index.events_channel, json.dumps(event))
        pipe.execute()
        log.debug("top10_built", changed=changed)
        return True

    def release(self) -> None:
        if self.token is not None:
            self.index.release_lock(self.index.top10_lock_key, self.token)
            self.token = None
