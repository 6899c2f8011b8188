"""`leaderboard chaos` (`make chaos MINUTES=10`): a steady mixed load while faults keep arriving,
and a count of what was lost.

The stack is ops.stack.Stack with `fsync=on` (a crash must not lose a commit). The load:
game servers submitting over SQL (lb.submit_score as an lb_game_server login) and clients over
HTTP, every write with an idempotency key and retried with the same key whenever its outcome
is unknown (a lost connection, 503), as a game server would; readers on top and rank. The
faults, in turn, each at least once per run (and per 10 minutes): FAULTS below.

After each fault the soak measures the time until the index converges again (Redis equal to
PostgreSQL on every board). At the end, with the load stopped: every acknowledged write is in
PostgreSQL exactly once (by key, with its player and score), no session exists twice, every
board equals its session log and Redis equals PostgreSQL (`leaderboard verify`, in full). The
report (report.json, report.md, timeline.png) gives per fault kind the time to converge
(p50/max), the errors clients saw, by type, and the totals: acknowledged, lost, duplicated,
drift after convergence; the last three must be 0.
"""

from __future__ import annotations

import json
import os
import random
import signal
import statistics
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import redis

from leaderboard import logs, migrate, progress
from leaderboard.index import encoding
from leaderboard.index.keys import Keys
from leaderboard.index.reader import IndexReader, IndexUnavailable
from leaderboard.integrity import Verifier
from ops.stack import Stack, request

log = logs.get("chaos")

FAULTS = (
    "bridge_kill9",
    "bridge_sigstop",
    "web_worker_kill9",
    "redis_restart_empty",
    "redis_flushall",
    "redis_del_board",
    "pg_restart_fast",
    "pg_crash_immediate",
    "pg_terminate_backends",
    "long_transaction",
    "migrate_rerun",
)
PLAYERS = 200
BOARDS = ("global", "weekly-best")
CONVERGE_LIMIT_S = 60.0
KEYS = Keys()


@dataclass
class Write:
    key: str
    user_id: int
    score: int
    via: str  # "sql" or "http"
    acked: bool = False
    attempts: int = 0


@dataclass
class Load:
    """The clients: writers over SQL and HTTP, readers over HTTP."""

    stack: Stack
    players: list[int]
    sql_writers: int = 2
    http_writers: int = 2
    readers: int = 1
    writes: list[Write] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    per_second: dict[int, Counter] = field(default_factory=lambda: defaultdict(Counter))
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> Load:
        plan = (
            [("sql", self._sql_writer)] * self.sql_writers
            + [("http", self._http_writer)] * self.http_writers
            + [("read", self._reader)] * self.readers
        )
        for n, (name, target) in enumerate(plan):
            thread = threading.Thread(target=target, args=(n,), name=f"chaos-{name}-{n}")
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=150)

    def _second(self) -> int:
        return int(time.monotonic() - self.started)

    def _error(self, what: str) -> None:
        with self._lock:
            self.errors[what] += 1
            self.per_second[self._second()]["errors"] += 1

    def _acked(self, write: Write) -> None:
        with self._lock:
            write.acked = True
            self.per_second[self._second()]["acked"] += 1

    def _new_write(self, worker: int, n: int, via: str, rng: random.Random) -> Write:
        write = Write(
            key=f"{via}{worker}-{n}-{time.monotonic_ns()}",
            user_id=rng.choice(self.players),
            score=rng.randint(0, 1000),
            via=via,
        )
        with self._lock:
            self.writes.append(write)
        return write

    def _sql_writer(self, worker: int) -> None:
        rng = random.Random(worker)
        conn: psycopg.Connection | None = None
        n = 0
        while not self._stop.is_set():
            n += 1
            write = self._new_write(worker, n, "sql", rng)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:  # until it has a definitive answer
                write.attempts += 1
                try:
                    if conn is None or conn.closed:
                        conn = psycopg.connect(
                            self.stack.game_url, autocommit=True, connect_timeout=3
                        )
                    conn.execute(
                        "select * from lb.submit_score(%s, %s, 'ranked', %s)",
                        (write.user_id, write.score, write.key),
                    ).fetchone()
                    self._acked(write)
                    break
                except psycopg.Error as exc:
                    # a lost connection or a server shutting down: the outcome is unknown
                    # or nothing was written; the same key makes the retry safe either way
                    self._error(f"sql {type(exc).__name__} {exc.sqlstate or ''}".strip())
                    if conn is not None:
                        conn.close()
                    conn = None
                    time.sleep(0.1)
            time.sleep(0.005)
        if conn is not None:
            conn.close()

    def _http_writer(self, worker: int) -> None:
        rng = random.Random(100 + worker)
        n = 0
        while not self._stop.is_set():
            n += 1
            write = self._new_write(worker, n, "http", rng)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                write.attempts += 1
                status, body = request(
                    self.stack.port,
                    "POST",
                    "/api/leaderboard/submit",
                    {"user_id": write.user_id, "score": write.score, "game_mode": "ranked"},
                    headers={"Idempotency-Key": write.key},
                )
                if status == 201:
                    self._acked(write)
                    break
                code = body.get("error", {}).get("code") if isinstance(body, dict) else None
                self._error(f"http {status or 'connection'} {code or ''}".strip())
                if status is not None and status < 500:
                    break  # a definitive refusal (none is expected: the input is valid)
                time.sleep(0.1)
            time.sleep(0.005)

    def _reader(self, worker: int) -> None:
        rng = random.Random(200 + worker)
        while not self._stop.is_set():
            path = (
                "/api/leaderboard/top"
                if rng.random() < 0.5
                else f"/api/leaderboard/rank/{rng.choice(self.players)}"
            )
            status, body = request(self.stack.port, "GET", path)
            if status != 200:
                code = body.get("error", {}).get("code") if isinstance(body, dict) else None
                self._error(f"read {status or 'connection'} {code or ''}".strip())
            time.sleep(0.02)


class Chaos:
    def __init__(self, minutes: float, out: Path, seed: int = 1) -> None:
        self.seconds = minutes * 60
        self.out = out
        self.rng = random.Random(seed)
        self.stack = Stack(
            pg_settings={"fsync": "on", "synchronous_commit": "on", "shared_buffers": "64MB"},
            service_env={"LEADERBOARD_SAMPLE_INTERVAL_MS": "5000"},
        )
        self.faults: list[dict[str, Any]] = []
        self.lag: dict[int, float] = {}
        self._background: list[threading.Thread] = []
        self._probe = 0
        self._probes = 0
        self._bar = progress.bar("chaos soak", enabled=False)  # the soak's own, in run()

    # -- the run ---------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        self.out.mkdir(parents=True, exist_ok=True)
        self.stack.start()
        try:
            players = self._prepare()
            load = Load(self.stack, players).start()
            # on a terminal: the soak's time, the fault going on, the last convergence
            self._bar = progress.bar("chaos soak", total=round(self.seconds), unit="s")
            try:
                self._schedule(load)
            finally:
                self._bar.close()
                load.stop()
                for thread in self._background:
                    thread.join(timeout=60)
            result = self._check(load)
        finally:
            self.stack.close()
        (self.out / "report.json").write_text(json.dumps(result, indent=2, default=str))
        (self.out / "report.md").write_text(markdown(result))
        timeline(result, load, self.lag, self.out / "timeline.png")
        return result

    def _prepare(self) -> list[int]:
        with self.stack.admin() as admin:
            ids = [
                admin.execute("select lb.create_player(%s)", (f"chaos{i}",)).fetchone()[0]
                for i in range(PLAYERS)
            ]
            admin.execute(
                "select lb.create_board('weekly-best', p_reset => 'weekly',"
                " p_aggregate => 'best', p_tie_break => 'earliest')"
            )
            # the convergence probe's own player, outside the load
            self._probe = admin.execute("select lb.create_player('chaos_probe')").fetchone()[0]
        if self._wait_equal(CONVERGE_LIMIT_S) is None:
            raise RuntimeError("the index did not build before the load started")
        return ids

    def _schedule(self, load: Load) -> None:
        """Every fault kind in turn, evenly spread over the run (shuffled once per round)."""
        rounds = max(1, int(self.seconds // (10 * 60)) + 1) if self.seconds > 600 else 1
        order = [kind for _ in range(rounds) for kind in self.rng.sample(FAULTS, len(FAULTS))]
        slot = self.seconds / len(order)
        started = time.monotonic()
        for n, kind in enumerate(order):
            wait = started + n * slot + 2 - time.monotonic()
            self._sample_while(load, wait)
            at = time.monotonic() - load.started
            log.info("fault", kind=kind, at_s=round(at, 1))
            self._bar.set_postfix_str(f"fault {n + 1}/{len(order)}: {kind}")
            errors_before = sum(load.errors.values())
            self._inject(kind)
            converged = self._wait_converged(CONVERGE_LIMIT_S, load)
            self._bar.set_postfix_str(
                f"fault {n + 1}/{len(order)}: {kind}, converged in "
                + ("-" if converged is None else f"{converged:.1f} s")
            )
            self.faults.append(
                {
                    "kind": kind,
                    "at_s": round(at, 1),
                    "converge_s": None if converged is None else round(converged, 2),
                    "client_errors": sum(load.errors.values()) - errors_before,
                }
            )
        self._sample_while(load, started + self.seconds - time.monotonic())

    def _sample_while(self, load: Load, seconds: float) -> None:
        deadline = time.monotonic() + max(0.0, seconds)
        while time.monotonic() < deadline:
            self._record_lag(load)
            self._bar.n = min(self._bar.total, round(time.monotonic() - load.started))
            self._bar.refresh()
            time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))

    def _record_lag(self, load: Load) -> None:
        try:
            client = redis.Redis.from_url(self.stack.redis.url(), socket_timeout=1)
            beats = IndexReader(client, KEYS).heartbeats(fresh_within_s=5)
            client.close()
        except redis.RedisError:
            return
        p99 = [b.lag_p99_ms for b in beats if b.lag_p99_ms is not None]
        if p99:
            self.lag[int(time.monotonic() - load.started)] = max(p99)

    # -- faults ----------------------------------------------------------------------------

    def _inject(self, kind: str) -> None:
        stack = self.stack
        assert stack.bridge is not None
        assert stack.web is not None
        if kind == "bridge_kill9":
            stack.bridge.kill9()
            stack.bridge.start()
        elif kind == "bridge_sigstop":
            os.kill(stack.bridge.pid, signal.SIGSTOP)
            time.sleep(5)
            os.kill(stack.bridge.pid, signal.SIGCONT)
        elif kind == "web_worker_kill9":
            workers = stack.web_workers()
            if workers:
                os.kill(self.rng.choice(workers), signal.SIGKILL)
        elif kind == "redis_restart_empty":
            stack.redis.restart_empty()
        elif kind == "redis_flushall":
            client = redis.Redis.from_url(stack.redis.url())
            client.flushall()
            client.close()
        elif kind == "redis_del_board":
            client = redis.Redis.from_url(stack.redis.url())
            client.delete(KEYS.scores("global", "all"))
            client.close()
        elif kind == "pg_restart_fast":
            stack.pg.restart(mode="fast")
        elif kind == "pg_crash_immediate":
            stack.pg.stop(mode="immediate")
            stack.pg.start()
        elif kind == "pg_terminate_backends":
            with stack.admin() as admin:
                admin.execute(
                    "select pg_terminate_backend(pid) from pg_stat_activity"
                    " where usename in ('faults_web', 'faults_bridge')"
                )
        elif kind == "long_transaction":
            thread = threading.Thread(target=self._hold_an_xid, args=(30.0,), daemon=True)
            thread.start()
            self._background.append(thread)
        elif kind == "migrate_rerun":
            migrate.migrate(stack.admin_url)
        else:
            raise ValueError(kind)

    def _hold_an_xid(self, seconds: float) -> None:
        """A transaction that takes an xid and stays open while others commit."""
        try:
            with psycopg.connect(self.stack.admin_url) as holder:
                holder.execute("select pg_current_xact_id()")
                time.sleep(seconds)
                holder.commit()
        except psycopg.Error:
            pass  # a later fault restarted PostgreSQL under it: nothing was written

    # -- convergence and the final checks --------------------------------------------------

    def _index_equal(self) -> bool:
        """Every board's current entries in Redis equal PostgreSQL's (cheap at this size)."""
        try:
            client = redis.Redis.from_url(self.stack.redis.url(), socket_timeout=2)
            try:
                reader = IndexReader(client, KEYS)
                with self.stack.admin() as admin:
                    for board in BOARDS:
                        key = self._current_key(admin, board)
                        for offset in range(0, PLAYERS + 100, 100):  # pages of 100 (the max)
                            rows = admin.execute(
                                "select user_id, total_score from lb.top_players(100, %s, %s)",
                                (offset, board),
                            ).fetchall()
                            page = reader.page(100, offset, board, key)
                            if [(e.user_id, e.total_score) for e in page] != [
                                tuple(r) for r in rows
                            ]:
                                return False
                return True
            finally:
                client.close()
        except (psycopg.Error, redis.RedisError, IndexUnavailable):
            return False  # a server is down, or the index is being rebuilt: not yet

    @staticmethod
    def _current_key(admin: psycopg.Connection, board: str) -> str:
        start = admin.execute(
            "select period_start from lb.boards() where board_id = %s", (board,)
        ).fetchone()[0]
        return encoding.period_key(None if start is None else int(start.timestamp()))

    def _wait_equal(self, limit: float) -> float | None:
        """With no load: until Redis equals PostgreSQL on every board."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            if self._index_equal():
                return time.monotonic() - started
            time.sleep(0.2)
        return None

    def _wait_converged(self, limit: float, load: Load) -> float | None:
        """Under load, Redis never equals PostgreSQL at one instant (writes are milliseconds
        ahead), so convergence is a probe: a write made after the fault, over SQL (the web
        app's read-your-writes echo must not shortcut it), visible in the index. The bridge
        applies changes in commit order from its cursor, and rebuilds read a snapshot, so the
        probe showing means every write committed before it is in the index too."""
        started = time.monotonic()
        total = None
        while time.monotonic() - started < limit:
            self._record_lag(load)
            if total is None:
                total = self._probe_write()
            elif self._probe_visible(total):
                return time.monotonic() - started
            time.sleep(0.1)
        return None

    def _probe_write(self) -> int | None:
        self._probes += 1
        try:
            with psycopg.connect(self.stack.game_url, autocommit=True, connect_timeout=2) as conn:
                return conn.execute(
                    "select total_score from lb.submit_score(%s, 1, 'ranked', %s)",
                    (self._probe, f"probe-{self._probes}"),
                ).fetchone()[0]
        except psycopg.Error:
            self._probes -= 1  # PostgreSQL not back yet; the same key next time
            return None

    def _probe_visible(self, total: int) -> bool:
        try:
            client = redis.Redis.from_url(self.stack.redis.url(), socket_timeout=1)
            try:
                reader = IndexReader(client, KEYS)
                ranked = reader.rank(self._probe, "global", encoding.ALL_TIME)
                boards_there = all(reader.board(b) is not None for b in BOARDS)
                return boards_there and ranked is not None and ranked.total_score == total
            finally:
                client.close()
        except (redis.RedisError, IndexUnavailable):
            return False

    def _check(self, load: Load) -> dict[str, Any]:
        settled = self._wait_equal(CONVERGE_LIMIT_S)
        with self.stack.admin() as admin:
            stored = {
                key: (user_id, score)
                for key, user_id, score in admin.execute(
                    "select idempotency_key, user_id, score from lb.idempotency_keys"
                )
            }
            sessions = admin.execute("select count(*) from lb.game_sessions").fetchone()[0]
        acked = [w for w in load.writes if w.acked]
        lost = [w.key for w in acked if stored.get(w.key) != (w.user_id, w.score)]
        unknown = [w for w in load.writes if not w.acked]
        client = redis.Redis.from_url(self.stack.redis.url(), socket_timeout=30)
        verified = Verifier(
            lambda: psycopg.connect(self.stack.admin_url, autocommit=True), client, KEYS
        ).run(None, None, repair=False)
        client.close()
        by_kind: dict[str, list[float | None]] = defaultdict(list)
        for fault in self.faults:
            by_kind[fault["kind"]].append(fault["converge_s"])
        return {
            "seconds": self.seconds,
            "faults": self.faults,
            "converge_by_kind": {
                kind: {
                    "count": len(times),
                    "p50_s": statistics.median(t for t in times if t is not None)
                    if any(t is not None for t in times)
                    else None,
                    "max_s": max((t for t in times if t is not None), default=None),
                    "not_converged": sum(1 for t in times if t is None),
                }
                for kind, times in sorted(by_kind.items())
            },
            "client_errors": dict(load.errors.most_common()),
            "totals": {
                "writes": len(load.writes),
                "acknowledged": len(acked),
                "acknowledged_sql": sum(1 for w in acked if w.via == "sql"),
                "acknowledged_http": sum(1 for w in acked if w.via == "http"),
                "retries": sum(w.attempts - 1 for w in load.writes),
                "outcome_unknown_at_stop": len(unknown),
                "lost": len(lost),
                # every write carries a key, so every session has exactly one stored key
                "duplicated": sessions - len(stored),
                "drift": sum(r.drift for r in verified),
                "settled_s": None if settled is None else round(settled, 2),
            },
            "lost_keys": lost[:20],
            "verify": [r.as_dict() for r in verified],
            "command": f"leaderboard chaos --minutes {self.seconds / 60:g}",
        }


def markdown(r: dict[str, Any]) -> str:
    t = r["totals"]
    lines = [
        f"# Chaos soak: {_minutes(r['seconds'])}",
        "",
        f"`{r['command']}`: a steady load (game servers over SQL and clients over HTTP, every "
        "write with an idempotency key and retried with it when its outcome was unknown, plus "
        "readers) while faults were injected; fsync on.",
        "",
        "| Total | Value | Must be |",
        "| --- | --- | --- |",
        f"| writes acknowledged | {t['acknowledged']} ({t['acknowledged_sql']} SQL, "
        f"{t['acknowledged_http']} HTTP; {t['retries']} retries) | |",
        f"| lost (acknowledged, not in PostgreSQL exactly as sent) | {t['lost']} | 0 |",
        f"| duplicated (sessions beyond one per key) | {t['duplicated']} | 0 |",
        f"| drift after convergence (`verify`, every board) | {t['drift']} | 0 |",
        f"| outcome unknown when the load stopped | {t['outcome_unknown_at_stop']} | |",
        "",
        "| Fault | Times | Converged in p50 / max | Not converged in 60 s |",
        "| --- | --- | --- | --- |",
    ]
    for kind, c in r["converge_by_kind"].items():
        lines.append(
            f"| {kind} | {c['count']} | {c['p50_s']} s / {c['max_s']} s | {c['not_converged']} |"
        )
    lines += ["", "Errors clients saw (and retried), by type:", ""]
    lines += [f"- `{k}`: {v}" for k, v in r["client_errors"].items()] or ["- none"]
    lines += ["", "![timeline](timeline.png)", ""]
    return "\n".join(lines)


def timeline(r: dict[str, Any], load: Load, lag: dict[int, float], path: Path) -> None:
    # imported here: matplotlib takes a second to import, and only the report needs it
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    seconds = sorted(load.per_second)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(12, 6), sharex=True)
    top.plot(seconds, [load.per_second[s]["acked"] for s in seconds], label="submits acked/s")
    top.plot(seconds, [load.per_second[s]["errors"] for s in seconds], label="client errors/s")
    top.legend(loc="upper right")
    if lag:
        points = sorted(lag.items())
        bottom.plot([p[0] for p in points], [p[1] for p in points], color="tab:red")
    for fault in r["faults"]:
        for axis in (top, bottom):
            axis.axvline(fault["at_s"], color="grey", alpha=0.4)
        top.annotate(fault["kind"], (fault["at_s"], 0), rotation=90, fontsize=7, va="bottom")
    bottom.set_xlabel("seconds")
    bottom.set_ylabel("bridge lag p99 (ms)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _minutes(seconds: float) -> str:
    minutes = seconds / 60
    return f"{minutes:g} minute" + ("" if minutes == 1 else "s")


def run_cli(minutes: float, out: Path) -> int:
    result = Chaos(minutes, out).run()
    t = result["totals"]
    print(markdown(result))
    print(f"report: {out / 'report.md'}")
    return 0 if (t["lost"], t["duplicated"], t["drift"]) == (0, 0, 0) else 1
