"""`leaderboard bench`: the standard benchmark suite at a chosen scale.

It needs a PostgreSQL role that can create databases (it replaces `lb_bench` and
`lb_bench_reference` on DATABASE_URL's server) and a Redis it may write under the prefix
`lb:bench:`. Every comparison runs its baseline in the same run, interleaved, and reports the
median. Results go to OUT/report.json, OUT/report.md and OUT/*.png.
"""

from __future__ import annotations

import json
import os
import platform
import re
import statistics
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

from leaderboard import logs, migrate, sqlapi
from leaderboard.index import encoding
from leaderboard.index.keys import Keys
from leaderboard.index.reader import IndexReader
from leaderboard.index.rebuild import rebuild_all
from leaderboard.index.writer import IndexWriter
from perf import boards, pgbench, report, serving
from perf.processes import CpuMeter, Service, free_port, wait_http

log = logs.get("bench")
PREFIX = "lb:bench:"
KEYS = Keys(PREFIX)
HERE = Path(__file__).resolve().parent
SECTIONS = ("seed", "write", "http", "memory", "boards")


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
        http_seconds=2,
        open_rate=100,
        open_seconds=2,
        fallback_rate=50,
        soak_seconds=4,
        soak_rate=100,
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
    ),
}


def _with_database(url: str, name: str) -> str:
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
    ) -> None:
        self.admin_url = admin_url
        self.redis_url = redis_url
        self.scale_name = scale
        self.scale = SCALES[scale]
        if soak_seconds is not None:
            self.scale = Scale(**{**self.scale.__dict__, "soak_seconds": soak_seconds})
        self.out = out
        self.only = only or set(SECTIONS)
        self.bench_url = _with_database(admin_url, "lb_bench")
        self.results: dict[str, Any] = {}
        self.raw: dict[str, Any] = {}

    # -- orchestration -----------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        self.out.mkdir(parents=True, exist_ok=True)
        started = time.time()
        self.results["machine"] = machine()
        self.results["scale"] = {"name": self.scale_name, **self.scale.__dict__}
        only = "" if self.only == set(SECTIONS) else f" --only {','.join(sorted(self.only))}"
        self.results["command"] = f"leaderboard bench --scale {self.scale_name}{only}"
        if "seed" in self.only or not self._bench_database_ready():
            self.results["seed"] = self.seed()
        if "write" in self.only:
            self._settle()
            self.results["write"] = self.write_path()
        if "http" in self.only:
            self._settle()
            self.results["http"] = self.http()
        if "memory" in self.only:
            self._settle()
            self.results["memory"] = self.memory()
        if "boards" in self.only:
            self.results["boards"] = boards.run(self)
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
        return _with_database(self.admin_url, database)

    def fresh_database(self, database: str) -> str:
        """An empty, migrated database; returns its URL."""
        self._recreate(database)
        url = self.url_of(database)
        migrate.migrate(url)
        return url

    def _recreate(self, name: str) -> None:
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
            "LOG_LEVEL": "WARNING",
            **extra,
        }

    def _bridge(self) -> Service:
        return self.start_bridge(self.bench_url)

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
                if beats and beats[0].get("mode") == "asleep" and built:
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

    def seed(self) -> dict[str, Any]:
        """lb.seed against the plain reference load, in fresh databases, in alternating
        pairs in the same run; the last lb.seed stays for the other sections."""
        s = self.scale
        rounds = []
        for n in range(s.seed_rounds):
            reference_s = self._reference_load()
            log.info("seed_ours", round=n + 1, users=s.users, sessions=s.sessions)
            self._recreate("lb_bench")
            migrate.migrate(self.bench_url)
            steps: list[str] = []
            with psycopg.connect(self.bench_url, autocommit=True) as conn:
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
        with psycopg.connect(self.bench_url, autocommit=True) as conn:
            started = time.perf_counter()
            conn.execute("vacuum lb.board_entries")
            vacuum_s = time.perf_counter() - started
            self.clear_redis()
            started = time.perf_counter()
            built = rebuild_all(self.connector(self.bench_url), IndexWriter(self.redis(), KEYS))
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

    def _reference_load(self) -> float:
        """The plain load the issue measures against: bare tables, insert ... select
        generate_series, then keys, indexes and the foreign key, in one transaction."""
        s = self.scale
        log.info("seed_reference", users=s.users, sessions=s.sessions)
        self._recreate("lb_bench_reference")
        sql = (HERE / "reference_load.sql").read_text()
        sql = sql.replace(":users", str(s.users)).replace(":sessions", str(s.sessions))
        with psycopg.connect(_with_database(self.admin_url, "lb_bench_reference")) as conn:
            conn.execute("checkpoint")
            started = time.perf_counter()
            conn.execute(sql)
            conn.commit()
            return time.perf_counter() - started

    # -- the write path --------------------------------------------------------------------

    def write_path(self) -> dict[str, Any]:
        s = self.scale
        with psycopg.connect(self.bench_url, autocommit=True) as conn:
            conn.execute((pgbench.SCRIPTS / "variants.sql").read_text())
            conn.execute("show synchronous_commit")
            sync_commit = conn.execute("show synchronous_commit").fetchone()[0]
        common = {
            "clients": 8,
            "threads": 2,
            "seconds": s.pgbench_seconds,
            "defines": {"players": s.users},
        }
        pairs = []
        for n in range(s.pairs):
            log.info("write_pair", pair=n + 1, of=s.pairs)
            baseline = pgbench.run(self.bench_url, "submit_without_notify", **common)
            bridge = self._bridge()
            try:
                time.sleep(1)
                with self._propagation_cpu(bridge) as cpu:
                    candidate = pgbench.run(self.bench_url, "submit", **common)
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
            self.raw.setdefault("write_latencies", {})[f"baseline #{n + 1}"] = baseline.latencies_ms
            self.raw["write_latencies"][f"lb.submit_score #{n + 1}"] = candidate.latencies_ms
        naive = pgbench.run(self.bench_url, "submit_notify_always", **common)
        self.raw["write_latencies"]["NOTIFY every submit"] = naive.latencies_ms
        median_baseline = statistics.median(p["baseline_tps"] for p in pairs)

        bridge = self._bridge()
        try:
            time.sleep(1)
            lag = self._lag(bridge, s)
            scenarios = {
                name: pgbench.run(self.bench_url, name, **common).summary()
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
            "lag": lag,
            "sql_scenarios": scenarios,
        }

    def _propagation_cpu(self, bridge: Service, database_url: str | None = None) -> CpuMeter:
        """What propagation costs while pgbench runs, when the servers are local: Redis, the
        bridge, and the bridge's PostgreSQL backend, as % of one core."""
        client = self.redis()
        redis_pid = int(client.info("server")["process_id"])
        client.close()
        with psycopg.connect(database_url or self.bench_url, autocommit=True) as conn:
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

    def _lag(self, bridge: Service, s: Scale) -> dict[str, Any]:
        return self.lag(bridge, self.bench_url, "submit")

    def lag(self, bridge: Service, database_url: str, script: str) -> dict[str, Any]:
        """Propagation lag at the scale's lag rate: the bridge's own histogram, diffed over
        the pgbench run."""
        s = self.scale
        client = self.redis()
        before = _lag_histogram(client)
        with self._propagation_cpu(bridge, database_url) as cpu:
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
        after = _lag_histogram(client)
        client.close()
        bounds, counts = after[0], [a - b for a, b in zip(after[1], before[1], strict=True)]
        return {
            "rate": s.lag_rate,
            "seconds": s.lag_seconds,
            "achieved_tps": round(result.tps),
            "changes": sum(counts),
            "p50_ms_upper_bound": _hist_quantile(bounds, counts, 0.50),
            "p99_ms_upper_bound": _hist_quantile(bounds, counts, 0.99),
            "p999_ms_upper_bound": _hist_quantile(bounds, counts, 0.999),
            "propagation_cpu_percent": cpu.percent,
            "command": "(bridge running) " + result.command,
        }

    # -- HTTP -----------------------------------------------------------------------------

    def http(self) -> dict[str, Any]:
        return serving.run(self)

    # -- memory ---------------------------------------------------------------------------

    def memory(self) -> dict[str, Any]:
        s = self.scale
        client = self.redis()
        scores_key = KEYS.scores("global", encoding.ALL_TIME)
        scores = client.memory_usage(scores_key, samples=0) or 0
        names = sum(
            client.memory_usage(k, samples=0) or 0
            for k in client.scan_iter(match=f"{KEYS.names_prefix}*", count=1000)
        )
        players = client.zcard(scores_key)
        info = client.info("memory")
        client.close()
        bridge = self._bridge()
        samples: list[tuple[float, float]] = []
        try:
            load = subprocess.Popen(  # a steady write load for the whole soak
                [
                    str(pgbench.postgres.bin_dir() / "pgbench"),
                    "-n",
                    "-M",
                    "prepared",
                    "-c",
                    "4",
                    "-j",
                    "2",
                    "-T",
                    str(s.soak_seconds),
                    "-R",
                    str(s.soak_rate),
                    "-D",
                    f"players={s.users}",
                    "-f",
                    str(pgbench.SCRIPTS / "submit.sql"),
                    self.bench_url,
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            started = time.monotonic()
            while load.poll() is None:
                samples.append((round(time.monotonic() - started, 1), _rss_mb(bridge.pid)))
                time.sleep(max(1.0, s.soak_seconds / 120))
        finally:
            bridge.close()
        self.raw["rss"] = samples
        rss = [mb for _, mb in samples]
        return {
            "players": players,
            "index_sorted_set_mb": round(scores / 1e6, 1),
            "usernames_mb": round(names / 1e6, 1),
            "redis_used_memory_mb": round(info["used_memory"] / 1e6, 1),
            "command": f"MEMORY USAGE {scores_key} SAMPLES 0; the same over {KEYS.names_prefix}*",
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


def _lag_histogram(client: redis.Redis) -> tuple[list[float], list[int]]:
    beat = _freshest_heartbeat(client)
    bounds = [float(b) for b in beat["lag_hist_buckets"].split(",")]
    counts = [int(c) for c in beat["lag_hist_counts"].split(",")]
    return bounds, counts


def _freshest_heartbeat(client: redis.Redis) -> dict[str, str]:
    beats = IndexReader(client, KEYS).heartbeats(60)
    if not beats:
        raise RuntimeError("no bridge heartbeat")
    return max(beats, key=lambda b: float(b["heartbeat_at"]))


def _hist_quantile(bounds: list[float], counts: list[int], q: float) -> float | None:
    """The upper bound (ms) of the bucket holding the q-quantile."""
    total = sum(counts)
    if not total:
        return None
    running = 0
    for bound, count in zip([*bounds, float("inf")], counts, strict=True):
        running += count
        if running >= q * total:
            return None if bound == float("inf") else round(bound * 1000, 1)
    return None


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
) -> dict:
    out_dir = Path(out) if out else HERE / "reports" / time.strftime("%Y%m%d-%H%M%S")
    sections = set(only.split(",")) if only else None
    bad = (sections or set()) - set(SECTIONS)
    if bad:
        raise ValueError(f"--only takes {', '.join(SECTIONS)}; got {', '.join(sorted(bad))}")
    results = Bench(
        admin_url, redis_url, scale, out_dir, only=sections, soak_seconds=soak_seconds
    ).run()
    print(f"report: {out_dir / 'report.md'}")
    return results
