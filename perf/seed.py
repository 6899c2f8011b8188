"""The seed section: lb.seed against the plain reference load (perf/reference_load.sql) in
fresh databases, in alternating pairs, then the Redis index built from an empty Redis."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import psycopg

from leaderboard import logs, migrate, sqlapi
from leaderboard.index.rebuild import rebuild_all
from leaderboard.index.writer import IndexWriter

if TYPE_CHECKING:
    from perf.suite import Bench

log = logs.get("bench.seed")


class SeedResult(TypedDict):
    rounds: list[dict[str, float]]
    reference_load_s: float
    lb_seed_s: float
    ratio: float
    vacuum_s: float
    redis_index_s: float
    redis_index_players: int
    seeded: Any
    steps: list[str]
    commands: dict[str, str]


def run(bench: Bench) -> SeedResult:
    """lb.seed against the plain reference load, in fresh databases, in alternating
    pairs in the same run; the last lb.seed stays for the other sections."""
    s = bench.scale
    rounds = []
    for n in range(s.seed_rounds):
        reference_s = _reference_load(bench)
        log.info("seed_ours", round=n + 1, users=s.users, sessions=s.sessions)
        bench.recreate("lb_bench")
        migrate.migrate(bench.bench_url)
        steps: list[str] = []
        with psycopg.connect(bench.bench_url, autocommit=True) as conn:
            conn.execute("checkpoint")
            started = time.perf_counter()
            seeded = sqlapi.seed(conn, s.users, s.sessions, 0.42, progress=steps.append)
            seed_s = time.perf_counter() - started
        rounds.append(
            {
                "reference_load_s": round(reference_s, 2),
                "lb_seed_s": round(seed_s, 2),
                "ratio": round(seed_s / reference_s, 3),
            }
        )
    with psycopg.connect(bench.bench_url, autocommit=True) as conn:
        started = time.perf_counter()
        conn.execute("vacuum lb.board_entries")
        vacuum_s = time.perf_counter() - started
        bench.clear_redis()
        started = time.perf_counter()
        built = rebuild_all(
            bench.connector(bench.bench_url), IndexWriter(bench.redis(), bench.keys)
        )
        index_s = time.perf_counter() - started
        players = sum(b.members for b in built if b is not None)
    return {
        "rounds": rounds,
        "reference_load_s": statistics.median(r["reference_load_s"] for r in rounds),
        "lb_seed_s": statistics.median(r["lb_seed_s"] for r in rounds),
        "ratio": statistics.median(r["ratio"] for r in rounds),
        "vacuum_s": round(vacuum_s, 2),
        "redis_index_s": round(index_s, 2),
        "redis_index_players": players,
        "seeded": seeded,
        "steps": steps,
        "commands": {
            "reference": f"psql -v users={s.users} -v sessions={s.sessions} "
            "-f perf/reference_load.sql (one transaction)",
            "ours": f"select * from lb.seed({s.users}, {s.sessions}, 0.42)",  # noqa: S608
            "redis_index": "leaderboard.index.rebuild.rebuild_all"
            " (per board: COPY -> temporary keys -> RENAME)",
            "cli": f"leaderboard seed --users {s.users} --sessions {s.sessions}",
        },
    }


def _reference_load(bench: Bench) -> float:
    """The plain load the issue measures against: bare tables, insert ... select
    generate_series, then keys, indexes and the foreign key, in one transaction."""
    s = bench.scale
    log.info("seed_reference", users=s.users, sessions=s.sessions)
    bench.recreate("lb_bench_reference")
    sql = (Path(__file__).resolve().parent / "reference_load.sql").read_text()
    sql = sql.replace(":users", str(s.users)).replace(":sessions", str(s.sessions))
    with psycopg.connect(bench.url_of("lb_bench_reference")) as conn:
        conn.execute("checkpoint")
        started = time.perf_counter()
        conn.execute(sql)
        conn.commit()
        return time.perf_counter() - started
