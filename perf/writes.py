"""The write section: lb.submit_score (NOTIFY as a hint) against the same submit without any
NOTIFY, in alternating pgbench pairs; one NOTIFY per submit for comparison; propagation lag
at the scale's rate; and the SQL read scenarios."""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING, Any, TypedDict

import psycopg
import redis

from leaderboard import logs
from leaderboard.heartbeat import LagHistogram
from leaderboard.index.keys import Keys
from leaderboard.index.reader import IndexReader
from ops.processes import CpuMeter, Service
from perf import pgbench

if TYPE_CHECKING:
    from perf.suite import Bench

log = logs.get("bench.write")


class LagResult(TypedDict):
    rate: int
    seconds: int
    achieved_tps: int
    changes: int
    p50_ms_upper_bound: float | None
    p99_ms_upper_bound: float | None
    p999_ms_upper_bound: float | None
    propagation_cpu_percent: dict[str, float]
    command: str


def run(bench: Bench) -> dict[str, Any]:
    s = bench.scale
    with psycopg.connect(bench.bench_url, autocommit=True) as conn:
        conn.execute((pgbench.SCRIPTS / "variants.sql").read_text())
        conn.execute("show synchronous_commit")
        sync_commit = conn.execute("show synchronous_commit").fetchone()[0]
    common = write_load(bench)
    pairs = []
    for n in range(s.pairs):
        log.info("write_pair", pair=n + 1, of=s.pairs)
        baseline = pgbench.run(bench.bench_url, "submit_without_notify", **common)
        bridge = bench.start_bridge(bench.bench_url)
        try:
            time.sleep(1)
            with propagation_cpu(bench, bridge) as cpu:
                candidate = pgbench.run(bench.bench_url, "submit", **common)
        finally:
            bridge.close()
        pairs.append(
            {
                "baseline_tps": round(baseline.tps),
                "submit_tps": round(candidate.tps),
                "ratio": round(candidate.tps / baseline.tps, 3),
                "propagation_cpu_percent": cpu.percent,
            }
        )
        bench.raw.setdefault("write_latencies", {})[f"baseline #{n + 1}"] = baseline.latencies_ms
        bench.raw["write_latencies"][f"lb.submit_score #{n + 1}"] = candidate.latencies_ms
    naive = pgbench.run(bench.bench_url, "submit_notify_always", **common)
    bench.raw["write_latencies"]["NOTIFY every submit"] = naive.latencies_ms
    median_baseline = statistics.median(p["baseline_tps"] for p in pairs)

    bridge = bench.start_bridge(bench.bench_url)
    try:
        time.sleep(1)
        lag_result = lag(bench, bridge, bench.bench_url, "submit")
        scenarios = {
            name: pgbench.run(bench.bench_url, name, **common).summary()
            for name in ("rank", "top", "mix")
        }
    finally:
        bridge.close()
    return {
        "synchronous_commit": sync_commit,
        "pairs": pairs,
        "median_ratio": round(statistics.median(p["ratio"] for p in pairs), 3),
        "notify_every_submit": {
            "tps": round(naive.tps),
            "ratio": round(naive.tps / median_baseline, 3),
            "command": naive.command,
        },
        "commands": {
            "baseline": "(bridge stopped) " + baseline.command,
            "submit": "(bridge running) " + candidate.command,
        },
        "lag": lag_result,
        "sql_scenarios": scenarios,
    }


def write_load(bench: Bench) -> dict[str, Any]:
    """The pgbench settings of every write comparison: 8 clients, the scale's duration."""
    s = bench.scale
    return {
        "clients": 8,
        "threads": 2,
        "seconds": s.pgbench_seconds,
        "defines": {"players": s.users},
    }


def propagation_cpu(bench: Bench, bridge: Service, database_url: str | None = None) -> CpuMeter:
    """What propagation costs while pgbench runs, when the servers are local: Redis, the
    bridge, and the bridge's PostgreSQL backend, as % of one core."""
    client = bench.redis()
    redis_pid = int(client.info("server")["process_id"])
    client.close()
    with psycopg.connect(database_url or bench.bench_url, autocommit=True) as conn:
        backends = [
            pid
            for (pid,) in conn.execute(
                "select pid from pg_stat_activity"
                " where application_name = 'leaderboard-bridge'"
                " and datname = current_database()"
            )
        ]
    return CpuMeter(
        {
            "redis": ([redis_pid], "redis-server"),
            "bridge": ([bridge.pid], "leaderboard"),
            "bridge_backend": (backends, "postgres"),
        }
    )


def lag(bench: Bench, bridge: Service, database_url: str, script: str) -> LagResult:
    """Propagation lag at the scale's lag rate: the bridge's own histogram, diffed over
    the pgbench run."""
    s = bench.scale
    client = bench.redis()
    before = _lag_histogram(client, bench.keys)
    with propagation_cpu(bench, bridge, database_url) as cpu:
        result = pgbench.run(
            database_url,
            script,
            clients=8,
            threads=2,
            seconds=s.lag_seconds,
            rate=s.lag_rate,
            defines={"players": s.users},
        )
    time.sleep(1.5)  # the last changes and a heartbeat
    after = _lag_histogram(client, bench.keys)
    client.close()
    run = after.minus(before)
    return {
        "rate": s.lag_rate,
        "seconds": s.lag_seconds,
        "achieved_tps": round(result.tps),
        "changes": run.count,
        "p50_ms_upper_bound": _upper_bound_ms(run, 0.50),
        "p99_ms_upper_bound": _upper_bound_ms(run, 0.99),
        "p999_ms_upper_bound": _upper_bound_ms(run, 0.999),
        "propagation_cpu_percent": cpu.percent,
        "command": "(bridge running) " + result.command,
    }


def _lag_histogram(client: redis.Redis, keys: Keys) -> LagHistogram:
    """The freshest bridge's cumulative lag histogram."""
    beats = IndexReader(client, keys).heartbeats(60)
    if not beats:
        raise RuntimeError("no bridge heartbeat")
    return max(beats, key=lambda b: b.heartbeat_at).lag


def _upper_bound_ms(histogram: LagHistogram, q: float) -> float | None:
    bound = histogram.upper_bound(q)
    return None if bound is None else round(bound * 1000, 1)
