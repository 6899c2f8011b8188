"""`leaderboard bench`: the standard benchmark suite at a chosen scale.

It needs a PostgreSQL role that can create databases (it replaces `lb_bench` and
`lb_bench_reference` on DATABASE_URL's server) and a Redis it may write under the prefix
`lb:bench:`. Every comparison runs its baseline in the same run, interleaved, and reports the
median. Results go to OUT/report.json, OUT/report.md and OUT/*.png.

This module is the harness (scales, databases, services, orchestration); each section is a
module of its own with a `run(bench)`: perf.seed, perf.writes, perf.serving (HTTP),
perf.memory, perf.boards. Their targets are in perf.targets.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis

from leaderboard import logs, migrate
from leaderboard.index.keys import Keys
from leaderboard.index.reader import IndexReader
from ops.processes import Service, free_port, wait_http
from perf import boards, memory, pgbench, report, scaling, seed, serving, sharding, writes

log = logs.get("bench")
PREFIX = "lb:bench:"
KEYS = Keys(PREFIX)
HERE = Path(__file__).resolve().parent
SECTIONS = ("seed", "write", "http", "memory", "boards", "scaling", "sharding")


@dataclass(frozen=True)
class Scale:
    users: int
    sessions: int
    pgbench_seconds: int
    pairs: int
    lag_rate: int
    lag_seconds: int
    http_rounds: int
    http_seconds: int
    open_rate: int
    open_seconds: int
    fallback_rate: int
    soak_seconds: int
    soak_rate: int
    seed_rounds: int = 1
    # players at each point of the scaling curve (5 sessions each); --sizes replaces them
    scaling_sizes: tuple[int, ...] = ()


SCALES = {
    # checks that the harness works end to end; its numbers mean little
    "small": Scale(
        users=2_000,
        sessions=10_000,
        pgbench_seconds=2,
        pairs=1,
        lag_rate=200,
        lag_seconds=3,
        http_rounds=1,
        http_seconds=1,
        open_rate=100,
        open_seconds=1,
        fallback_rate=50,
        soak_seconds=4,
        soak_rate=100,
        scaling_sizes=(1_000, 3_000),
    ),
    # the targets: 1M players, 5M sessions
    "full": Scale(
        users=1_000_000,
        sessions=5_000_000,
        pgbench_seconds=20,
        pairs=4,
        lag_rate=2000,
        lag_seconds=30,
        http_rounds=3,
        http_seconds=8,
        open_rate=1000,
        open_seconds=20,
        fallback_rate=300,
        soak_seconds=600,
        soak_rate=1000,
        # one load of each varied by 20% between runs (reference 16.4-19.8 s); pairs and a
        # median, as for the write path
        seed_rounds=3,
        # the 10M point takes ~10 GB and minutes: its own target (make bench-scaling)
        scaling_sizes=(100_000, 1_000_000),
    ),
}


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


class Bench:
    def __init__(
        self,
        admin_url: str,
        redis_url: str,
        scale: str,
        out: Path,
        *,
        only: set[str] | None = None,
        soak_seconds: int | None = None,
        sizes: tuple[int, ...] | None = None,
    ) -> None:
        self.admin_url = admin_url
        self.redis_url = redis_url
        self.scale_name = scale
        self.scale = SCALES[scale]
        if soak_seconds is not None:
            self.scale = Scale(**{**self.scale.__dict__, "soak_seconds": soak_seconds})
        if sizes:
            self.scale = Scale(**{**self.scale.__dict__, "scaling_sizes": sizes})
        self.out = out
        self.only = only or set(SECTIONS)
        self.bench_url = with_database(admin_url, "lb_bench")
        self.results: dict[str, Any] = {}
        self.raw: dict[str, Any] = {}

    # -- orchestration -----------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        self.out.mkdir(parents=True, exist_ok=True)
        started = time.time()
        self.results["machine"] = machine()
        self.results["scale"] = {"name": self.scale_name, **self.scale.__dict__}
        only = "" if self.only == set(SECTIONS) else f" --only {','.join(sorted(self.only))}"
        sizes = ""
        if (
            "scaling" in self.only
            and self.scale.scaling_sizes != SCALES[self.scale_name].scaling_sizes
        ):
            sizes = " --sizes " + ",".join(str(n) for n in self.scale.scaling_sizes)
        self.results["command"] = f"leaderboard bench --scale {self.scale_name}{only}{sizes}"
        # write, http and memory run on lb_bench; boards and scaling seed databases of their own
        needs_bench = bool(self.only & {"write", "http", "memory"})
        if "seed" in self.only or (needs_bench and not self._bench_database_ready()):
            self.results["seed"] = seed.run(self)
        if "write" in self.only:
            self._settle()
            self.results["write"] = writes.run(self)
        if "http" in self.only:
            self._settle()
            self.results["http"] = serving.run(self)
        if "memory" in self.only:
            self._settle()
            self.results["memory"] = memory.run(self)
        if "boards" in self.only:
            self.results["boards"] = boards.run(self)
        if "scaling" in self.only:
            self.results["scaling"] = scaling.run(self, self.scale.scaling_sizes)
        if "sharding" in self.only:
            self.results["sharding"] = sharding.run(self)
        self.results["seconds"] = round(time.time() - started, 1)
        (self.out / "report.json").write_text(json.dumps(self.results, indent=2, default=str))
        report.write(self.results, self.raw, self.out)
        return self.results

    def _settle(self) -> None:
        self.settle(self.bench_url)

    def settle(self, database_url: str) -> None:
        """Start each section with the previous one's debt paid: the write section leaves
        millions of dead row versions and dirty pages, and the autovacuum and spread
        checkpoint they cause ran through the next section (a submit p99 of 105 ms at
        1,000/s in the run that found it, against 10 ms settled). An immediate checkpoint is
        not a flattering start for writes: every page's first change after it is logged in
        full."""
        started = time.monotonic()
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("vacuum (analyze) lb.board_entries, lb.game_sessions, lb.users")
            conn.execute("checkpoint")
        log.info("settled", seconds=round(time.monotonic() - started, 1))

    def _bench_database_ready(self) -> bool:
        """lb_bench is current and seeded at this scale (a small run's database must not be
        measured as a full one)."""
        try:
            with psycopg.connect(self.bench_url, autocommit=True, connect_timeout=3) as conn:
                migrate.check_schema(conn)
                users = conn.execute("select count(*) from lb.users").fetchone()[0]
                return users == self.scale.users
        except Exception:
            return False

    @staticmethod
    def connector(url: str) -> Callable[[], psycopg.Connection]:
        return lambda: psycopg.connect(url, autocommit=True)

    def url_of(self, database: str) -> str:
        return with_database(self.admin_url, database)

    def fresh_database(self, database: str) -> str:
        """An empty, migrated database; returns its URL."""
        self.recreate(database)
        url = self.url_of(database)
        migrate.migrate(url)
        return url

    def drop(self, name: str) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(f"drop database if exists {name} with (force)")

    def recreate(self, name: str) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(f"drop database if exists {name} with (force)")
            admin.execute(f"create database {name}")

    keys = KEYS

    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.redis_url, socket_timeout=60)

    def clear_redis(self) -> None:
        client = self.redis()
        keys = list(client.scan_iter(match=f"{PREFIX}*", count=1000))
        for i in range(0, len(keys), 1000):
            client.unlink(*keys[i : i + 1000])
        client.close()

    def _service_env(self, database_url: str | None = None, **extra: str) -> dict[str, str]:
        return {
            "DATABASE_URL": database_url or self.bench_url,
            "REDIS_URL": self.redis_url,
            "LEADERBOARD_REDIS_PREFIX": PREFIX,
            "RATE_LIMIT": "off",
            # the original's open submit: what the bench compares with the original
            "LEADERBOARD_SUBMIT_AUTH": "open",
            "LOG_LEVEL": "WARNING",
            **extra,
        }

    def start_bridge(self, database_url: str) -> Service:
        """A running bridge that has caught up: it went to sleep, so nothing was left to
        apply. Measuring while it still catches up on the previous run's changes would
        charge that work to the next run."""
        service = Service("bridge", self._service_env(database_url)).start()
        client = self.redis()
        index = IndexReader(client, KEYS)
        deadline = time.monotonic() + 120
        try:
            while time.monotonic() < deadline:
                beats = index.heartbeats(5)
                built = client.exists(KEYS.board_meta("global"))
                if beats and beats[0].mode == "asleep" and built:
                    return service
                time.sleep(0.2)
        finally:
            client.close()
        raise RuntimeError("bridge did not catch up:\n" + service.output())

    def start_web(
        self, database_url: str | None = None, argv: list[str] | None = None, **extra: str
    ) -> tuple[Service, str]:
        """`leaderboard web` with its default settings (what `make run` serves with), or the
        server `argv` names ({port} filled in), on a free loopback port, answering; and its
        base URL."""
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = self._service_env(database_url, PORT=str(port))
        if argv is not None:
            argv = [a.replace("{port}", str(port)) for a in argv]
            env["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="lb-bench-metrics-")
        web = Service("web", {**env, **extra}, argv=argv).start()
        try:
            wait_http(f"{base}/livez")
        except RuntimeError:
            web.close()
            raise
        return web, base

    # -- seeding ------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    def first(path: str, pattern: str) -> str:
        try:
            match = re.search(pattern, Path(path).read_text(), re.MULTILINE)
            return match.group(1).strip() if match else "?"
        except OSError:
            return "?"

    return {
        "cpus": os.cpu_count(),
        "cpu_model": first("/proc/cpuinfo", r"^model name\s*:\s*(.*)$"),
        "memory_gb": round(int(first("/proc/meminfo", r"^MemTotal:\s*(\d+)")) / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgres": _version(["--version"], pgbench.postgres.bin_dir() / "postgres"),
        "redis": _version(["--version"], "redis-server"),
        "note": "load generators run on the same machine",
    }


def _version(args: list[str], binary: object) -> str:
    try:
        return subprocess.run(
            [str(binary), *args], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return "?"


def run_cli(
    admin_url: str,
    redis_url: str,
    scale: str,
    *,
    out: str | None,
    only: str | None,
    soak_seconds: int | None,
    sizes: tuple[int, ...] | None = None,
) -> dict:
    out_dir = Path(out) if out else HERE / "reports" / time.strftime("%Y%m%d-%H%M%S")
    sections = set(only.split(",")) if only else None
    bad = (sections or set()) - set(SECTIONS)
    if bad:
        raise ValueError(f"--only takes {', '.join(SECTIONS)}; got {', '.join(sorted(bad))}")
    results = Bench(
        admin_url,
        redis_url,
        scale,
        out_dir,
        only=sections,
        soak_seconds=soak_seconds,
        sizes=sizes,
    ).run()
    print(f"report: {out_dir / 'report.md'}")
    return results
