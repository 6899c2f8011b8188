"""The sharding section of `leaderboard bench`: what the scale-out layer costs per call, the
measured inputs of docs/SCALING.md.

  proxy     the same calls on shard 0's players, on shard 0 directly and through the PL/Proxy
            database (2 shards, databases lb_bench_shard0/1 and lb_bench_proxy on the bench
            server), alternating: lb.submit_score TPS (pgbench, 8 clients) and lb.player_rank
            latency at a fixed rate and TPS with 4 clients (the proxy's rank is two round
            trips: the owner, then a count on every shard)
  redis     a rank summed over k per-shard sorted sets (one Lua call, ZCOUNT on each, keys
            under one hash tag) against one set holding the same members, k = 1, 2, 4, 8,
            measured with redis-benchmark (8 clients)

Both compare against a baseline in the same run; no targets.
"""

from __future__ import annotations

import csv
import io
import subprocess
import time
from typing import TYPE_CHECKING, Any

import psycopg

from leaderboard import logs, sharding
from perf import pgbench

if TYPE_CHECKING:
    from perf.suite import Bench

log = logs.get("bench.sharding")

SHARDS = 2
SHARD_DATABASES = [f"lb_bench_shard{n}" for n in range(SHARDS)]
PROXY_DATABASE = "lb_bench_proxy"
SET_COUNTS = (1, 2, 4, 8)
# small checks the harness; full: enough players that ranks touch real index ranges
PLAYERS = {"small": 2_000, "full": 100_000}
MEMBERS = {"small": 20_000, "full": 1_000_000}
REQUESTS = {"small": 20_000, "full": 400_000}
# a rate both can sustain on two shared cores (the proxy's rank is about half the direct
# one's capacity here: three shard queries instead of one), so latency is not queueing
RANK_RATE = {"small": 50, "full": 100}
LUA_RANK = (
    "local n = 0 for i = 1, #KEYS do"
    " n = n + redis.call('ZCOUNT', KEYS[i], '-inf', '(' .. ARGV[1]) end return n + 1"
)


def run(bench: Bench) -> dict[str, Any]:
    try:
        proxy = _proxy(bench)
    finally:
        for name in [PROXY_DATABASE, *SHARD_DATABASES]:
            bench.drop(name)
    try:
        sets = _sets(bench)
    finally:
        bench.clear_redis()
    return {"proxy": proxy, "redis": sets}


def _proxy(bench: Bench) -> dict[str, Any]:
    players = PLAYERS[bench.scale_name]
    for name in [PROXY_DATABASE, *SHARD_DATABASES]:
        bench.recreate(name)
    shard_urls = [bench.url_of(name) for name in SHARD_DATABASES]
    proxy_url = bench.url_of(PROXY_DATABASE)
    sharding.setup(sharding.Topology(proxy_url, shard_urls))
    log.info("sharding_seed", players=players)
    with psycopg.connect(proxy_url, autocommit=True) as conn:
        # through the proxy: each shard seeds its own players, 5 sessions a player in all
        conn.execute("select * from lb.seed(%s, %s, 0.42)", (players, 5 * players))
    per_shard = _per_shard(shard_urls[0])
    defines = {"per_shard": per_shard, "shards": SHARDS}
    seconds = max(2, bench.scale.pgbench_seconds // 2)
    runs: dict[str, list[pgbench.PgbenchResult]] = {
        "submit_direct": [],
        "submit_proxy": [],
        "rank_direct": [],
        "rank_proxy": [],
        "rank_tps_direct": [],
        "rank_tps_proxy": [],
    }
    for _ in range(bench.scale.pairs):
        for where, url in (("direct", shard_urls[0]), ("proxy", proxy_url)):
            for name in SHARD_DATABASES:
                bench.settle(bench.url_of(name))
            runs[f"submit_{where}"].append(
                pgbench.run(
                    url,
                    "submit_shard0",
                    name=f"submit {where}",
                    clients=8,
                    threads=2,
                    seconds=seconds,
                    defines=defines,
                )
            )
            runs[f"rank_{where}"].append(
                pgbench.run(
                    url,
                    "rank_shard0",
                    name=f"rank {where}",
                    clients=4,
                    threads=2,
                    seconds=seconds,
                    rate=RANK_RATE[bench.scale_name],
                    defines=defines,
                )
            )
            runs[f"rank_tps_{where}"].append(
                pgbench.run(
                    url,
                    "rank_shard0",
                    name=f"rank tps {where}",
                    clients=4,
                    threads=2,
                    seconds=seconds,
                    defines=defines,
                )
            )
    median = _median
    result = {
        "players": players,
        "shard0_players": per_shard,
        "submit_tps": {
            k: median([r.tps for r in runs[f"submit_{k}"]]) for k in ("direct", "proxy")
        },
        "submit_ms": {k: runs[f"submit_{k}"][-1].latency_ms for k in ("direct", "proxy")},
        "rank_ms": {k: _merged(runs[f"rank_{k}"]) for k in ("direct", "proxy")},
        "rank_tps": {
            k: median([r.tps for r in runs[f"rank_tps_{k}"]]) for k in ("direct", "proxy")
        },
        "commands": {
            "submit": runs["submit_proxy"][-1].command,
            "rank": runs["rank_proxy"][-1].command,
            "rank_tps": runs["rank_tps_proxy"][-1].command,
        },
    }
    for call in ("submit", "rank"):
        tps = result[f"{call}_tps"]
        result[f"{call}_ratio"] = round(tps["proxy"] / tps["direct"], 2)
    return result


def _per_shard(shard0_url: str) -> int:
    with psycopg.connect(shard0_url, autocommit=True) as conn:
        return conn.execute("select count(*) from lb.users").fetchone()[0]


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[len(ordered) // 2], 1)


def _merged(results: list[pgbench.PgbenchResult]) -> dict[str, float]:
    return pgbench.percentiles([ms for r in results for ms in r.latencies_ms])


def _sets(bench: Bench) -> dict[str, Any]:
    members = MEMBERS[bench.scale_name]
    client = bench.redis()
    kwargs = client.connection_pool.connection_kwargs
    sha = client.script_load(LUA_RANK)
    # a value near the middle: ZCOUNT walks to it in each set
    probe = str(-(members // 2))
    points = []
    for count in SET_COUNTS:
        bench.clear_redis()
        keys = [f"{bench.keys.prefix}shardbench:{{b}}:s{n}" for n in range(count)]
        pipe = client.pipeline(transaction=False)
        for start in range(0, members, 10_000):
            for n, key in enumerate(keys):
                chunk = {
                    f"u{m}": -m
                    for m in range(start, min(start + 10_000, members))
                    if m % count == n
                }
                if chunk:
                    pipe.zadd(key, chunk)
            pipe.execute()
        # scores below -members/2: the members m > members/2, and the rank is one more
        assert client.evalsha(sha, count, *keys, probe) == members - members // 2
        log.info("sharding_redis", sets=count, members=members)
        args = [
            "redis-benchmark",
            "-h",
            str(kwargs.get("host", "127.0.0.1")),
            "-p",
            str(kwargs.get("port", 6379)),
            "-n",
            str(REQUESTS[bench.scale_name]),
            "-c",
            "8",
            "--csv",
        ]
        if kwargs.get("password"):
            args += ["--user", str(kwargs.get("username") or "default"), "-a", kwargs["password"]]
        command = [*args, "EVALSHA", sha, str(count), *keys, probe]
        started = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        rows = list(csv.DictReader(io.StringIO(done.stdout)))
        row = rows[-1]
        points.append(
            {
                "sets": count,
                "rps": float(row["rps"]),
                "p50_ms": float(row["p50_latency_ms"]),
                "p99_ms": float(row["p99_latency_ms"]),
                "seconds": round(time.monotonic() - started, 1),
            }
        )
    client.close()
    shown = " ".join(a for a in command if a != kwargs.get("password"))
    base = points[0]["rps"]
    for point in points:
        point["ratio"] = round(point["rps"] / base, 2)
    return {"members": members, "points": points, "command": shown}
