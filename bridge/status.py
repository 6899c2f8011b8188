"""What the bridge has done and how far behind it is, published as a heartbeat in Redis
(leaderboard.heartbeat says what a heartbeat holds).

Lag is commit-to-visible: when a change is applied, now (on PostgreSQL's clock) minus the
change's updated_at, which lb.submit_score stamps with clock_timestamp() just before commit.
It is kept as a histogram only (prometheus_client's, cumulative since start), and /health's
p50/p99 over the last minute come from the difference between now and the snapshot of it
taken a minute ago (one per heartbeat, every second). Keeping samples instead cost a sort of
tens of thousands of floats every heartbeat and, at thousands of changes a second, still
covered only a few seconds, not the minute it claimed.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Histogram

from leaderboard.heartbeat import LAG_BUCKETS, Heartbeat, LagHistogram

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
        # boards PostgreSQL cannot compute periods for (lb.feed_boards' problem): left alone
        self.unreadable_boards: tuple[str, ...] = ()
        # a registry of its own: the web app exports the lag of every bridge from heartbeats
        self._lag = Histogram(
            "leaderboard_bridge_lag_seconds",
            "commit-to-Redis propagation lag",
            buckets=LAG_BUCKETS,
            registry=CollectorRegistry(auto_describe=False),
        )
        # per second: the largest lag recorded in it
        self._worst: deque[tuple[int, float]] = deque(maxlen=WINDOW_S)
        # per heartbeat: (time, the cumulative histogram then), for the last minute
        self._snapshots: deque[tuple[float, LagHistogram]] = deque()

    def set(self, **fields: Any) -> None:
        with self._lock:
            for key, value in fields.items():
                setattr(self, key, value)

    def record_changes(self, updated_ats: Iterable[float]) -> None:
        """`updated_ats`: when each applied change was stamped (epoch s, PostgreSQL's clock)."""
        now = time.time() + self.clock_offset
        second = int(now)
        count, worst = 0, 0.0
        for stamp in updated_ats:
            lag = max(0.0, now - stamp)
            self._lag.observe(lag)
            worst = max(worst, lag)
            count += 1
        with self._lock:
            if not self._worst or self._worst[-1][0] != second:
                self._worst.append((second, worst))
            else:
                self._worst[-1] = (second, max(self._worst[-1][1], worst))
            self.changes_total += count
            self.last_sync_at = time.time()
            if count:
                self.last_catch_up = {"at": time.time(), "changes": count}

    def lag_histogram(self) -> LagHistogram:
        """Every lag recorded since the bridge started."""
        buckets: list[float] = []
        total = 0.0
        for metric in self._lag.collect():
            for sample in metric.samples:
                if sample.name.endswith("_bucket"):
                    buckets.append(sample.value)
                elif sample.name.endswith("_sum"):
                    total = sample.value
        return LagHistogram.from_cumulative(LAG_BUCKETS, buckets, total)

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

    def heartbeat(self) -> Heartbeat:
        """Now, with the lag of the last WINDOW_S seconds. Called every second (it also takes
        the snapshot that a minute later marks the window's start)."""
        cumulative = self.lag_histogram()
        now = time.time() + self.clock_offset
        with self._lock:
            self._snapshots.append((now, cumulative))
            # keep the newest snapshot at or before the window's start as its baseline
            while len(self._snapshots) > 1 and self._snapshots[1][0] <= now - WINDOW_S:
                self._snapshots.popleft()
            start, baseline = self._snapshots[0]
            recent = cumulative.minus(baseline) if start <= now - WINDOW_S else cumulative
            oldest = int(now) - WINDOW_S
            worst = max((w for second, w in self._worst if second > oldest), default=None)
            if not recent.count:
                worst = None
            catch_up = self.last_catch_up or {}
            rebuild = self.last_rebuild or {}
            return Heartbeat(
                bridge_id=self.bridge_id,
                mode=self.mode,
                postgres_ok=self.postgres_ok,
                redis_ok=self.redis_ok,
                started_at=self.started_at,
                heartbeat_at=time.time(),
                last_sync_at=self.last_sync_at or 0.0,
                last_catch_up_at=catch_up.get("at", 0.0),
                last_catch_up_changes=catch_up.get("changes", 0),
                changes_total=self.changes_total,
                rebuilds_total=self.rebuilds_total,
                last_rebuild_at=rebuild.get("at", 0.0),
                last_rebuild_players=rebuild.get("players", 0),
                last_rebuild_seconds=rebuild.get("seconds", 0.0),
                samples_total=self.samples_total,
                sample_mismatches_total=self.sample_mismatches_total,
                last_sample_at=self.last_sample_at or 0.0,
                unreadable_boards=",".join(self.unreadable_boards),
                lag_samples_60s=recent.count,
                lag_p50_ms=_ms(recent.quantile(0.50, worst)),
                lag_p99_ms=_ms(recent.quantile(0.99, worst)),
                lag_max_ms=_ms(worst),
                lag=cumulative,
            )


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000
