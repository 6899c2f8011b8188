"""What the bridge has done and how far behind it is, published as a heartbeat in Redis.

Lag is commit-to-visible: when a change is applied, now (on PostgreSQL's clock) minus the
change's updated_at, which lb.submit_score stamps with clock_timestamp() just before commit.
It is kept two ways: recent samples for p50/p99 in /health, and a cumulative histogram that
/metrics exports, so a benchmark can diff it over its run.
"""

from __future__ import annotations

import bisect
import os
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable
from typing import Any

# upper bounds in seconds; the last bucket is +Inf
LAG_BUCKETS = (
    0.001,
    0.0025,
    0.005,
    0.0075,
    0.01,
    0.015,
    0.02,
    0.025,
    0.03,
    0.04,
    0.05,
    0.075,
    0.1,
    0.15,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
)
RECENT_SAMPLES = 20_000


class Status:
    def __init__(self, bridge_id: str | None = None) -> None:
        # unique per instance: two bridges can share a host and even a process (tests)
        self.bridge_id = bridge_id or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.started_at = time.time()
        self._lock = threading.Lock()
        self.mode = "starting"
        self.postgres_ok = False
        self.redis_ok = False
        self.last_sync_at: float | None = None
        self.last_catch_up: dict[str, Any] | None = None
        self.last_rebuild: dict[str, Any] | None = None
        self.changes_total = 0
        self.rebuilds_total = 0
        self.clock_offset = 0.0
        self._recent: deque[tuple[float, float]] = deque(maxlen=RECENT_SAMPLES)
        self._bucket_counts = [0] * (len(LAG_BUCKETS) + 1)
        self._lag_sum = 0.0
        self._lag_count = 0

    def set(self, **fields: Any) -> None:
        with self._lock:
            for key, value in fields.items():
                setattr(self, key, value)

    def record_changes(self, updated_ats: Iterable[float]) -> None:
        """`updated_ats`: when each applied change was stamped (epoch s, PostgreSQL's clock)."""
        now = time.time() + self.clock_offset
        with self._lock:
            count = 0
            for stamp in updated_ats:
                lag = max(0.0, now - stamp)
                self._recent.append((now, lag))
                self._bucket_counts[bisect.bisect_left(LAG_BUCKETS, lag)] += 1
                self._lag_sum += lag
                count += 1
            self._lag_count += count
            self.changes_total += count
            self.last_sync_at = time.time()
            if count:
                self.last_catch_up = {"at": time.time(), "changes": count}

    def record_rebuild(self, players: int, seconds: float, reason: str) -> None:
        with self._lock:
            self.rebuilds_total += 1
            self.last_rebuild = {
                "at": time.time(),
                "players": players,
                "seconds": round(seconds, 3),
                "reason": reason,
            }
            self.last_sync_at = time.time()

    def synced(self) -> None:
        with self._lock:
            self.last_sync_at = time.time()

    def heartbeat(self) -> dict[str, str]:
        """Flat string fields for a Redis hash."""
        with self._lock:
            horizon = time.time() + self.clock_offset - 60
            lags = sorted(lag for at, lag in self._recent if at >= horizon)
            fields: dict[str, Any] = {
                "bridge_id": self.bridge_id,
                "mode": self.mode,
                "postgres_ok": int(self.postgres_ok),
                "redis_ok": int(self.redis_ok),
                "started_at": round(self.started_at, 3),
                "heartbeat_at": round(time.time(), 3),
                "last_sync_at": round(self.last_sync_at or 0, 3),
                "last_catch_up_at": round((self.last_catch_up or {}).get("at", 0), 3),
                "last_catch_up_changes": (self.last_catch_up or {}).get("changes", 0),
                "changes_total": self.changes_total,
                "rebuilds_total": self.rebuilds_total,
                "last_rebuild_at": round((self.last_rebuild or {}).get("at", 0), 3),
                "last_rebuild_players": (self.last_rebuild or {}).get("players", 0),
                "last_rebuild_seconds": (self.last_rebuild or {}).get("seconds", 0),
                "lag_samples_60s": len(lags),
                "lag_p50_ms": _ms(_percentile(lags, 0.50)),
                "lag_p99_ms": _ms(_percentile(lags, 0.99)),
                "lag_max_ms": _ms(lags[-1] if lags else None),
                "lag_hist_buckets": ",".join(str(b) for b in LAG_BUCKETS),
                "lag_hist_counts": ",".join(str(c) for c in self._bucket_counts),
                "lag_hist_sum": round(self._lag_sum, 6),
                "lag_hist_count": self._lag_count,
            }
        return {k: str(v) for k, v in fields.items()}


def _percentile(ordered: list[float], q: float) -> float | None:
    if not ordered:
        return None
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _ms(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds * 1000:.2f}"
