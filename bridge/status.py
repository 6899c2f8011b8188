"""What the bridge has done and how far behind it is, published as a heartbeat in Redis.

Lag is commit-to-visible: when a change is applied, now (on PostgreSQL's clock) minus the
change's updated_at, which lb.submit_score stamps with clock_timestamp() just before commit.
It is kept as histograms only: a cumulative one that /metrics exports (so a benchmark can diff
it over its run) and one per second for the last minute, summed for /health's p50/p99/max.
Keeping samples instead cost a sort of tens of thousands of floats every heartbeat and, at
thousands of changes a second, still covered only a few seconds, not the minute it claimed.
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
WINDOW_S = 60


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
        self.samples_total = 0  # rounds of the sampling check (bridge.sampler)
        self.sample_mismatches_total = 0
        self.last_sample_at: float | None = None
        self.clock_offset = 0.0
        # per-second [second, max lag, bucket counts...] for the last WINDOW_S seconds
        self._window: deque[list[Any]] = deque(maxlen=WINDOW_S)
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
        second = int(now)
        with self._lock:
            if not self._window or self._window[-1][0] != second:
                self._window.append([second, 0.0, [0] * (len(LAG_BUCKETS) + 1)])
            slot = self._window[-1]
            recent, cumulative = slot[2], self._bucket_counts
            count, worst = 0, slot[1]
            for stamp in updated_ats:
                lag = max(0.0, now - stamp)
                bucket = bisect.bisect_left(LAG_BUCKETS, lag)
                recent[bucket] += 1
                cumulative[bucket] += 1
                self._lag_sum += lag
                worst = max(worst, lag)
                count += 1
            slot[1] = worst
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

    def record_sample(self, mismatches: int) -> None:
        with self._lock:
            self.samples_total += 1
            self.sample_mismatches_total += mismatches
            self.last_sample_at = time.time()

    def synced(self) -> None:
        with self._lock:
            self.last_sync_at = time.time()

    def heartbeat(self) -> dict[str, str]:
        """Flat string fields for a Redis hash."""
        with self._lock:
            oldest = int(time.time() + self.clock_offset) - WINDOW_S
            counts = [0] * (len(LAG_BUCKETS) + 1)
            worst: float | None = None
            for second, slot_max, slot_counts in self._window:
                if second > oldest:
                    counts = [a + b for a, b in zip(counts, slot_counts, strict=True)]
                    worst = slot_max if worst is None else max(worst, slot_max)
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
                "samples_total": self.samples_total,
                "sample_mismatches_total": self.sample_mismatches_total,
                "last_sample_at": round(self.last_sample_at or 0, 3),
                "lag_samples_60s": sum(counts),
                "lag_p50_ms": _ms(lag_quantile(counts, 0.50, worst)),
                "lag_p99_ms": _ms(lag_quantile(counts, 0.99, worst)),
                "lag_max_ms": _ms(worst),
                "lag_hist_buckets": ",".join(str(b) for b in LAG_BUCKETS),
                "lag_hist_counts": ",".join(str(c) for c in self._bucket_counts),
                "lag_hist_sum": round(self._lag_sum, 6),
                "lag_hist_count": self._lag_count,
            }
        return {k: str(v) for k, v in fields.items()}


def lag_quantile(counts: list[int], q: float, worst: float | None) -> float | None:
    """The q-quantile of a LAG_BUCKETS histogram, interpolated linearly inside its bucket (as
    Prometheus's histogram_quantile does) and never above the largest lag seen."""
    total = sum(counts)
    if not total:
        return None
    rank = q * total
    seen = 0
    for i, n in enumerate(counts):
        if n and seen + n >= rank:
            low = LAG_BUCKETS[i - 1] if i > 0 else 0.0
            high = LAG_BUCKETS[i] if i < len(LAG_BUCKETS) else (worst or low)
            value = low + (high - low) * (rank - seen) / n
            return value if worst is None else min(value, worst)
        seen += n
    return worst


def _ms(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds * 1000:.2f}"
