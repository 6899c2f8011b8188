"""A bridge's heartbeat: what it has done and how far behind it is, as one Redis hash.

The bridge writes it every second (bridge.status builds it); /health and /metrics (web), the
benchmarks and the chaos soak (perf) read it. This module is the one place that knows its
fields and their encoding; everything else handles a Heartbeat.

Lag is commit-to-visible propagation lag, kept as a histogram over LAG_BUCKETS: cumulative
since the bridge started (what /metrics exports, so a benchmark can diff it over its run),
plus p50/p99/max over the last 60 s for /health.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

# upper bounds in seconds; the last bucket is +Inf
LAG_BUCKETS: tuple[float, ...] = (
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


@dataclass(frozen=True)
class LagHistogram:
    """Counts per bucket (not cumulative; one more than `bounds`, the last is +Inf)."""

    bounds: tuple[float, ...] = LAG_BUCKETS
    counts: tuple[int, ...] = (0,) * (len(LAG_BUCKETS) + 1)
    sum: float = 0.0

    @property
    def count(self) -> int:
        return sum(self.counts)

    @classmethod
    def from_cumulative(
        cls, bounds: tuple[float, ...], cumulative: list[float], total: float
    ) -> LagHistogram:
        """From Prometheus-style cumulative bucket counts (the last one is +Inf)."""
        counts = [int(c - p) for c, p in zip(cumulative, [0.0, *cumulative[:-1]], strict=True)]
        return cls(bounds, tuple(counts), total)

    def minus(self, earlier: LagHistogram) -> LagHistogram:
        """What was observed since `earlier` (a snapshot of the same histogram)."""
        if earlier.bounds != self.bounds:
            raise ValueError("histograms with different buckets")
        counts = tuple(a - b for a, b in zip(self.counts, earlier.counts, strict=True))
        return LagHistogram(self.bounds, counts, self.sum - earlier.sum)

    def cumulative(self) -> list[tuple[str, int]]:
        """(le, cumulative count) pairs, as a Prometheus histogram exposes them."""
        out, running = [], 0
        for bound, n in zip([*self.bounds, math.inf], self.counts, strict=True):
            running += n
            out.append(("+Inf" if bound == math.inf else str(bound), running))
        return out

    def quantile(self, q: float, worst: float | None = None) -> float | None:
        """The q-quantile in seconds, interpolated linearly inside its bucket (as Prometheus's
        histogram_quantile does) and never above `worst`, the largest lag seen."""
        total = self.count
        if not total:
            return None
        rank = q * total
        seen = 0
        for i, n in enumerate(self.counts):
            if n and seen + n >= rank:
                low = self.bounds[i - 1] if i > 0 else 0.0
                high = self.bounds[i] if i < len(self.bounds) else (worst or low)
                value = low + (high - low) * (rank - seen) / n
                return value if worst is None else min(value, worst)
            seen += n
        return worst

    def upper_bound(self, q: float) -> float | None:
        """The upper bound (seconds) of the bucket holding the q-quantile: a value the
        quantile is certainly at or below; None if it is in the +Inf bucket or empty."""
        total = self.count
        running = 0
        for bound, n in zip([*self.bounds, math.inf], self.counts, strict=True):
            running += n
            if total and running >= q * total:
                return None if bound == math.inf else bound
        return None


@dataclass(frozen=True)
class Heartbeat:
    bridge_id: str
    mode: str = "starting"
    postgres_ok: bool = False
    redis_ok: bool = False
    started_at: float = 0.0
    heartbeat_at: float = 0.0
    # epoch seconds; 0 when it has not happened
    last_sync_at: float = 0.0
    last_catch_up_at: float = 0.0
    last_catch_up_changes: int = 0
    changes_total: int = 0
    rebuilds_total: int = 0
    last_rebuild_at: float = 0.0
    last_rebuild_players: int = 0
    last_rebuild_seconds: float = 0.0
    samples_total: int = 0  # rounds of the sampling check (bridge.sampler)
    sample_mismatches_total: int = 0
    last_sample_at: float = 0.0
    # comma-separated ids of the boards it leaves alone: their periods cannot be computed
    unreadable_boards: str = ""
    # the last 60 s: how many changes, and their lag in milliseconds (None: no change)
    lag_samples_60s: int = 0
    lag_p50_ms: float | None = None
    lag_p99_ms: float | None = None
    lag_max_ms: float | None = None
    # every change since the bridge started
    lag: LagHistogram = field(default_factory=LagHistogram)

    @property
    def working(self) -> bool:
        return self.postgres_ok and self.redis_ok

    def to_fields(self) -> dict[str, str]:
        """Flat string fields for a Redis hash (HSET mapping)."""
        out: dict[str, str] = {}
        for name, value in asdict(self).items():
            if name == "lag":
                continue
            if isinstance(value, bool):
                out[name] = "1" if value else "0"
            elif value is None:
                out[name] = ""
            elif name.endswith("_ms"):
                out[name] = f"{value:.2f}"
            elif isinstance(value, float):
                out[name] = str(round(value, 6))
            else:
                out[name] = str(value)
        out["lag_hist_buckets"] = ",".join(str(b) for b in self.lag.bounds)
        out["lag_hist_counts"] = ",".join(str(c) for c in self.lag.counts)
        out["lag_hist_sum"] = str(round(self.lag.sum, 6))
        out["lag_hist_count"] = str(self.lag.count)
        return out

    @classmethod
    def from_fields(cls, raw: Mapping[Any, Any]) -> Heartbeat:
        """From a Redis hash (bytes or str keys and values). Fields it does not know are
        ignored and missing ones take their defaults, so bridges and readers of different
        versions can meet during a rolling upgrade."""
        text = {_text(k): _text(v) for k, v in raw.items()}
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "lag" or f.name not in text:
                continue
            value = text[f.name]
            kind = str(f.type)
            if kind == "bool":
                values[f.name] = value == "1"
            elif kind == "int":
                values[f.name] = int(value or 0)
            elif kind == "float":
                values[f.name] = float(value or 0)
            elif kind == "float | None":
                values[f.name] = float(value) if value else None
            else:
                values[f.name] = value
        if text.get("lag_hist_counts"):
            values["lag"] = LagHistogram(
                tuple(float(b) for b in text["lag_hist_buckets"].split(",")),
                tuple(int(c) for c in text["lag_hist_counts"].split(",")),
                float(text.get("lag_hist_sum") or 0),
            )
        return cls(**values)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
