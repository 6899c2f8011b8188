"""The scaling section of `leaderboard bench`: how cost grows with size on one node, the
measured base a capacity plan starts from. For each size (players, 5 sessions each), in a
fresh database of its own (lb_bench_scaling, dropped afterwards: the 10M point takes ~10 GB):

  seed      lb.seed(players, 5 x players) into empty tables, and the database's size after
  index     the Redis index of the global board built from an empty Redis (rebuild_all), and
            what it costs in Redis: used_memory before and after, and the board's sorted set
  sql rank  lb.player_rank at the fallback rate (pgbench, random players)
  rank      GET /api/boards/global/rank/<player> at the open-loop rate, served from the index,
            measured with hey (`leaderboard web` with its defaults, a bridge running)
  submit    lb.submit_score TPS (pgbench, 8 clients), a bridge propagating

The sizes are the scale's (full: 100k and 1M); `--sizes` replaces them, which is how the 10M
point runs on its own (`make bench-scaling`). No targets: a curve, not a pass/fail.
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING, Any

import psycopg
import redis

from leaderboard import logs, sqlapi
from leaderboard.index.encoding import ALL_TIME
from leaderboard.index.rebuild import rebuild_all
from leaderboard.index.writer import IndexWriter
from perf import hey, pgbench, writes

if TYPE_CHECKING:
    from perf.suite import Bench

log = logs.get("bench.scaling")

DATABASE = "lb_bench_scaling"
SESSIONS_PER_PLAYER = 5


def run(bench: Bench, sizes: tuple[int, ...]) -> dict[str, Any]:
    points: list[dict[str, Any]] = []
    commands: dict[str, str] = {}
    try:
        for players in sizes:
            point, commands = _point(bench, players)
            points.append(point)
    finally:
        bench.drop(DATABASE)
        bench.clear_redis()
    return {"points": points, "commands": commands}


def _settled_memory(client: redis.Redis) -> int:
    """used_memory once the keys just UNLINKed are freed: Redis frees them in the background,
    and a reading taken meanwhile still counts them (the first run's 100k point grew by
    -86.6 MB, the previous section's index still being freed)."""
    deadline = time.monotonic() + 60
    while client.info("memory").get("lazyfree_pending_objects", 0) and time.monotonic() < deadline:
        time.sleep(0.1)
    return int(client.info("memory")["used_memory"])


def _seconds(bench: Bench) -> int:
    return max(1, bench.scale.open_seconds // 2)


def _point(bench: Bench, players: int) -> tuple[dict[str, Any], dict[str, str]]:
    s = bench.scale
    sessions = SESSIONS_PER_PLAYER * players
    url = bench.fresh_database(DATABASE)
    log.info("scaling_seed", players=players, sessions=sessions)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("checkpoint")
        started = time.perf_counter()
        seeded = sqlapi.seed(conn, players, sessions, 0.42)
        seed_s = time.perf_counter() - started
        database_bytes = conn.execute("select pg_database_size(current_database())").fetchone()[0]

    log.info("scaling_index", players=players)
    bench.clear_redis()
    client = bench.redis()
    used_before = _settled_memory(client)
    started = time.perf_counter()
    built = rebuild_all(bench.connector(url), IndexWriter(client, bench.keys))
    index_s = time.perf_counter() - started
    used_after = client.info("memory")["used_memory"]
    key = bench.keys.scores("global", ALL_TIME)
    members = client.zcard(key)
    set_bytes = client.memory_usage(key, samples=0) or 0
    client.close()

    bench.settle(url)
    log.info("scaling_sql_rank", players=players)
    sql_rank = pgbench.run(
        url,
        "rank",
        name=f"rank at {players}",
        clients=4,
        threads=2,
        seconds=_seconds(bench),
        rate=s.fallback_rate,
        defines={"players": players},
    )
    bridge = bench.start_bridge(url)
    try:
        web, base = bench.start_web(url)
        try:
            log.info("scaling_rank", players=players)
            rng = random.Random(players)
            urls = [f"{base}/api/boards/global/rank/{rng.randint(1, players)}" for _ in range(10)]
            warm = 1 if _seconds(bench) <= 2 else 2
            hey.run_many(urls[:2], rate=s.open_rate, seconds=warm)
            rank = hey.run_many(urls, rate=s.open_rate, seconds=_seconds(bench))
            if set(rank["statuses"]) - {"200"}:
                raise RuntimeError(f"GET rank at {players} players: {rank['statuses']}")
        finally:
            web.close()
        log.info("scaling_submit", players=players)
        submit = pgbench.run(
            url,
            "submit",
            name=f"submit at {players}",
            **{**writes.write_load(bench), "defines": {"players": players}},
        )
    finally:
        bridge.close()
    point = {
        "players": players,
        "sessions": sessions,
        "seed_s": round(seed_s, 2),
        "database_mb": round(database_bytes / 1e6),
        "index_s": round(index_s, 2),
        "players_ranked": seeded["players_ranked"],
        "index_members": sum(b.members for b in built if b is not None),
        "redis_used_mb": round((used_after - used_before) / 1e6, 1),
        "redis_set_mb": round(set_bytes / 1e6, 1),
        "redis_bytes_per_player": round(set_bytes / max(1, members), 1),
        "sql_rank_ms": sql_rank.latency_ms,
        "sql_rank_tps": round(sql_rank.tps),
        "rank_ms": rank["latency_ms"],
        "rank_requests": rank["requests"],
        "submit_tps": round(submit.tps),
        "submit_ms": submit.latency_ms,
    }
    commands = {
        # shown in the report, never executed
        "seed": f"select * from lb.seed({players}, {sessions}, 0.42) in a fresh database",  # noqa: S608
        "index": "leaderboard.index.rebuild.rebuild_all on an empty Redis; INFO memory"
        " used_memory before and after, MEMORY USAGE <global set> SAMPLES 0",
        "sql_rank": sql_rank.command,
        "rank": rank["command"] + " (/api/boards/global/rank/<random player>), after a warm-up",
        "submit": submit.command + " (bridge running)",
    }
    return point, commands
