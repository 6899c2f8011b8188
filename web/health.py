"""A short-lived view of the health of PostgreSQL, Redis and the bridges, for /health and for
the flags on read responses (README "Degraded modes")."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import psycopg
import redis

from leaderboard.clock import iso
from leaderboard.errors import LeaderboardError
from leaderboard.heartbeat import Heartbeat
from leaderboard.index.reader import IndexReader

HEALTH_TTL_S = 1.0
BRIDGE_FRESH_S = 5.0


@dataclass
class HealthReport:
    db: bool
    redis: bool
    bridge: dict[str, Any] = field(default_factory=dict)
    checked_at: float = field(default_factory=time.time)

    @property
    def bridge_ok(self) -> bool:
        return bool(self.bridge.get("ok"))

    @property
    def mode(self) -> str:
        """Which degraded mode is on (README "Degraded modes")."""
        down = [
            name
            for name, ok in (
                ("postgres", self.db),
                ("redis", self.redis),
                ("bridge", self.bridge_ok),
            )
            if not ok
        ]
        return "normal" if not down else "_".join(down) + "_down"

    @property
    def possibly_stale(self) -> bool:
        """Redis-served reads may lag PostgreSQL: nothing is feeding the index right now."""
        return not (self.db and self.bridge_ok)


class HealthMonitor:
    def __init__(
        self,
        connection: Callable[[], AbstractContextManager[psycopg.Connection]],
        redis_client: redis.Redis,
        index: IndexReader,
    ) -> None:
        self.connection = connection
        self.redis = redis_client
        self.index = index
        self._lock = threading.Lock()
        self._refreshing = threading.Lock()
        self._report: HealthReport | None = None

    def current(self) -> HealthReport:
        """A report about HEALTH_TTL_S old at most, for flags on read responses. One thread
        refreshes it; the others keep answering with the previous report meanwhile (when
        every request thread checked at once, the herd added up to 100 ms to 15% of reads)."""
        report = self._report
        if report is not None and time.time() - report.checked_at <= HEALTH_TTL_S:
            return report
        if report is None:
            return self.check()
        if not self._refreshing.acquire(blocking=False):
            return report
        try:
            return self.check()
        finally:
            self._refreshing.release()

    def mark_db_down(self) -> None:
        report = self._report
        if report is not None:
            report.db = False

    def check(self) -> HealthReport:
        report = HealthReport(db=self._db_ok(), redis=False)
        try:
            self.redis.ping()
            report.redis = True
            report.bridge = self.bridge_summary(self.heartbeats())
        except redis.RedisError:
            report.bridge = {"ok": False, "reason": "redis unavailable: bridge state unknown"}
        with self._lock:
            self._report = report
        return report

    def _db_ok(self) -> bool:
        try:
            with self.connection() as conn:
                conn.execute("select 1")
            return True
        except (LeaderboardError, psycopg.Error):
            return False

    def heartbeats(self) -> list[Heartbeat]:
        """The heartbeats of the bridges alive now (raises redis.RedisError)."""
        now = time.time()
        return [
            b
            for b in self.index.heartbeats(BRIDGE_FRESH_S)
            if now - b.heartbeat_at <= BRIDGE_FRESH_S
        ]

    @staticmethod
    def bridge_summary(beats: list[Heartbeat]) -> dict[str, Any]:
        """/health's bridge section: the most recently synced working bridge speaks for all."""
        if not beats:
            return {"ok": False, "bridges": 0, "reason": "no bridge heartbeat in the last 5 s"}
        working = [b for b in beats if b.working]
        best = max(working or beats, key=lambda b: b.last_sync_at)
        return {
            "ok": bool(working),
            "bridges": len(beats),
            "mode": best.mode,
            "lag_p50_ms": _rounded(best.lag_p50_ms),
            "lag_p99_ms": _rounded(best.lag_p99_ms),
            "lag_max_ms": _rounded(best.lag_max_ms),
            "last_sync_at": _iso(best.last_sync_at),
            "last_catch_up_at": _iso(best.last_catch_up_at),
            "last_catch_up_changes": best.last_catch_up_changes,
            "changes_total": best.changes_total,
            "rebuilds_total": best.rebuilds_total,
            # the sampling check (bridge.sampler), over every live bridge
            "sample_mismatches_total": sum(b.sample_mismatches_total for b in beats),
            "last_sample_at": _iso(max((b.last_sample_at for b in beats), default=0.0)),
            # boards no bridge can feed: PostgreSQL cannot compute their periods (the bridge
            # logs why); every other board is fed as usual
            "unreadable_boards": sorted(
                {board for b in beats for board in b.unreadable_boards.split(",") if board}
            ),
        }


def _rounded(ms: float | None) -> float | None:
    return None if ms is None else round(ms, 2)


def _iso(epoch: float) -> str | None:
    return iso(epoch) if epoch > 0 else None
