"""The cached top 10 of every board's current period: rebuilt from the sorted sets every
refresh interval, under one Redis lock for all boards.

The lock is SET NX PX with a unique token and is *not* released after a build: it expires just
before the next interval, so with any number of bridges there is one build per interval in
total (a lock dropped right after building would let the next bridge build again at once).
Only on shutdown is it released early, and only by its owner (compare-and-delete).

Each build publishes one event per board on the events channel: `top10` when the board's top
10 changed, `refresh` when it did not (so a dashboard's countdown stays on the real
schedule), and `reset` when its period rolled over since the last build.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import redis

from bridge.status import Status
from leaderboard import logs, redisconn
from leaderboard.clock import iso
from leaderboard.feed import BoardSpec
from leaderboard.index import encoding
from leaderboard.index.reader import IndexReader, IndexUnavailable
from leaderboard.index.writer import IndexWriter

log = logs.get("bridge.top10")


class Top10Refresher:
    def __init__(
        self,
        reader: IndexReader,
        writer: IndexWriter,
        interval_ms: int,
        status: Status,
        boards: Callable[[], Iterable[BoardSpec]],
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.keys = reader.keys
        self.interval_ms = interval_ms
        # expire a little before the next tick of the same bridge, so it can take it again
        self.lock_ms = interval_ms - min(1000, interval_ms // 10)
        self.status = status
        self.boards = boards
        self.token: str | None = None

    def refresh(self) -> bool:
        """Build the caches if no bridge has this interval; True if this call built them."""
        token = uuid.uuid4().hex
        if not self.reader.redis.set(self.keys.top10_lock, token, nx=True, px=self.lock_ms):
            return False
        self.token = token
        built = 0
        for board in list(self.boards()):
            try:
                built += self._build(board)
            except IndexUnavailable:
                log.info("top10_skipped", board=board.board_id, reason="index_missing")
        if built:
            self.reader.redis.incr(self.keys.top10_builds)
        return bool(built)

    def _build(self, board: BoardSpec) -> bool:
        now = time.time()
        period = board.current_period(now)
        entries = self.reader.page(10, 0, board.board_id, period)
        data = [
            {
                "rank": e.rank,
                "user_id": e.user_id,
                "username": e.username,
                "total_score": e.total_score,
            }
            for e in entries
        ]
        previous = self.reader.cached_top10(board.board_id)
        payload: dict[str, Any] = {
            "board": board.board_id,
            "period": _period(board, period),
            "data": data,
            "built_at": iso(now),
            "built_at_ms": int(now * 1000),
            "next_refresh_at": iso(now + self.interval_ms / 1000),
            "interval_ms": self.interval_ms,
            "built_by": self.status.bridge_id,
        }
        if previous is not None and previous.get("period") != payload["period"]:
            kind = "reset"
        elif previous is None or previous.get("data") != data:
            kind = "top10"
        else:
            kind = "refresh"
        client = self.reader.redis
        event = json.dumps({"type": kind, **payload})
        if redisconn.clustered(client):
            # a cluster pipeline refuses PUBLISH (a channel has no slot), and a cluster cannot
            # wrap a key and a channel in one MULTI: the cache first, then the event, which a
            # cluster delivers to subscribers on every node
            client.set(self.keys.top10(board.board_id), json.dumps(payload))
            client.publish(self.keys.events, event)
        else:
            pipe = client.pipeline(transaction=True)
            pipe.set(self.keys.top10(board.board_id), json.dumps(payload))
            pipe.publish(self.keys.events, event)
            pipe.execute()
        log.debug("top10_built", board=board.board_id, kind=kind)
        return True

    def release(self) -> None:
        if self.token is not None:
            with contextlib.suppress(redis.RedisError):
                self.writer.release_lock(self.keys.top10_lock, self.token)
            self.token = None


def _period(board: BoardSpec, period: str) -> dict[str, str | None]:
    """The period's bounds for clients; null for an all-time board. Right after a reset the
    bridge may not have reloaded the board yet: the new period's end is then unknown."""
    start = encoding.period_start(period)
    if start is None:
        return {"start": None, "end": None}
    end = board.current_end if start == board.current_start else None
    return {"start": iso(start), "end": iso(end) if end is not None else None}
