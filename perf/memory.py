"""The memory section: what the global index costs in Redis at the scale's players, and the
bridge's resident memory over a soak under a steady submit load (it must stay flat)."""

from __future__ import annotations

import re
import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leaderboard.index import encoding
from perf import pgbench

if TYPE_CHECKING:
    from perf.suite import Bench


def run(bench: Bench) -> dict[str, Any]:
    s = bench.scale
    client = bench.redis()
    scores_key = bench.keys.scores("global", encoding.ALL_TIME)
    scores = client.memory_usage(scores_key, samples=0) or 0
    names = sum(
        client.memory_usage(k, samples=0) or 0
        for k in client.scan_iter(match=f"{bench.keys.names_prefix}*", count=1000)
    )
    players = client.zcard(scores_key)
    info = client.info("memory")
    client.close()
    bridge = bench.start_bridge(bench.bench_url)
    samples: list[tuple[float, float]] = []
    try:
        load = pgbench.background(  # a steady write load for the whole soak
            bench.bench_url,
            "submit",
            clients=4,
            threads=2,
            seconds=s.soak_seconds,
            rate=s.soak_rate,
            defines={"players": s.users},
        )
        started = time.monotonic()
        while load.poll() is None:
            samples.append((round(time.monotonic() - started, 1), _rss_mb(bridge.pid)))
            time.sleep(max(1.0, s.soak_seconds / 120))
    finally:
        bridge.close()
    bench.raw["rss"] = samples
    rss = [mb for _, mb in samples]
    return {
        "players": players,
        "index_sorted_set_mb": round(scores / 1e6, 1),
        "usernames_mb": round(names / 1e6, 1),
        "redis_used_memory_mb": round(info["used_memory"] / 1e6, 1),
        "command": f"MEMORY USAGE {scores_key} SAMPLES 0; the same over {bench.keys.names_prefix}*",
        "bridge_soak": {
            "seconds": s.soak_seconds,
            "submit_rate": s.soak_rate,
            "rss_mb_first": rss[0] if rss else None,
            "rss_mb_last": rss[-1] if rss else None,
            "rss_mb_max": max(rss) if rss else None,
            "slope_mb_per_min": _slope(samples),
            "second_half_growth_mb": _second_half_growth(samples),
            "samples": samples,
            "command": f"pgbench -R {s.soak_rate} -T {s.soak_seconds} -f perf/pgbench/"
            "submit.sql with the bridge running; VmRSS every few seconds",
        },
    }


def _second_half_growth(samples: list[tuple[float, float]]) -> float | None:
    """RSS growth over the second half of the soak, after the allocator has warmed up."""
    if len(samples) < 4:
        return None
    half = samples[len(samples) // 2 :]
    return round(half[-1][1] - half[0][1], 1)


def _slope(samples: list[tuple[float, float]]) -> float | None:
    if len(samples) < 3:
        return None
    xs = [t for t, _ in samples]
    ys = [y for _, y in samples]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mean_x) ** 2 for x in xs)
    if var == 0:
        return None
    slope_per_s = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var
    return round(slope_per_s * 60, 3)


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return round(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024, 1)
