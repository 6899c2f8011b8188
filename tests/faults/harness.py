"""A production-shaped stack for fault injection, and a client that keeps writing through it.

Stack: its own PostgreSQL cluster and Redis server (the faults restart them), the web server
(`leaderboard web`, gunicorn) and the bridge (`leaderboard bridge`) as processes, each
connecting as a least-privileged login (lb_web, lb_bridge).

Client: threads submitting over HTTP with an Idempotency-Key per logical write. A write that
gets a 503 OUTCOME_UNKNOWN or loses its connection is retried with the same key until it
gets a definitive answer; one in ten writes is sent once and never retried, so that a
definitive error ("not written") can be checked against the database; one in seven requests
is a client mistake, which must get a 4xx whatever else is failing.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import psycopg

from leaderboard import migrate
from leaderboard.logins import create_login
from ops import postgres as ops_postgres
from ops import redis_server as ops_redis
from perf.processes import Service
from tests.conftest import free_port, url_for


class Stack:
    def __init__(self) -> None:
        self.pg = ops_postgres.temporary(
            free_port(), settings={"fsync": "off", "shared_buffers": "64MB"}
        )
        self.redis = ops_redis.temporary(free_port())
        self.port = free_port()
        self.admin_url = ""
        self.web: Service | None = None
        self.bridge: Service | None = None

    def start(self) -> Stack:
        self.pg.start()
        self.pg.create_database("faults")
        self.admin_url = self.pg.url("faults")
        migrate.migrate(self.admin_url)
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            create_login(admin, "faults_web", "web", None)
            create_login(admin, "faults_bridge", "bridge", None)
        self.redis.start()
        common = {
            **os.environ,
            "REDIS_URL": self.redis.url(),
            "RATE_LIMIT": "off",
            "LEADERBOARD_REFRESH_INTERVAL_MS": "1000",
            "LEADERBOARD_SAFETY_POLL_MS": "200",
        }
        self.web = Service(
            "web",
            {
                **common,
                "PORT": str(self.port),
                "WEB_WORKERS": "2",
                "WEB_THREADS": "8",
                "DATABASE_URL": url_for("127.0.0.1", self.pg.port, "faults_web", "faults"),
            },
        )
        self.bridge = Service(
            "bridge",
            {
                **common,
                "DATABASE_URL": url_for("127.0.0.1", self.pg.port, "faults_bridge", "faults"),
            },
        )
        self.web.start()
        self.bridge.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if request(self.port, "GET", "/health")[0] == 200:
                return self
            time.sleep(0.1)
        raise AssertionError("stack not healthy:\n" + self.web.output() + self.bridge.output())

    def close(self) -> None:
        for service in (self.web, self.bridge):
            if service:
                service.close()
        self.redis.kill()
        shutil.rmtree(self.redis.root, ignore_errors=True)
        self.pg.destroy()

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.admin_url, autocommit=True)


def request(
    port: int,
    method: str,
    path: str,
    body: dict | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
):
    """(status, json) or (None, error text) when the connection itself failed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = json.dumps(body) if body is not None else None
        conn.request(
            method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})}
        )
        response = conn.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, {"raw": raw[:200].decode(errors="replace")}
    except (OSError, http.client.HTTPException) as exc:
        return None, str(exc)
    finally:
        conn.close()


@dataclass
class Write:
    key: str
    user_id: int
    score: int
    retried: bool
    statuses: list = field(default_factory=list)
    final: object = None  # 201, 503 code, or None (connection failure) for fire-once writes


class SubmitStream:
    """Writes until stopped; see the module docstring for what it sends."""

    def __init__(self, port: int, players: list[int], threads: int = 4) -> None:
        self.port, self.players = port, players
        self.writes: list[Write] = []
        self.statuses: Counter = Counter()
        self.mistakes: list[tuple[dict, object]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)
        ]

    def __enter__(self) -> SubmitStream:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=90)

    def acknowledged(self) -> int:
        with self._lock:
            return sum(1 for w in self.writes if w.final == 201)

    def _run(self, worker: int) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            if n % 7 == 0:
                self._mistake(worker, n)
                continue
            user = self.players[(worker * 7919 + n) % len(self.players)]
            write = Write(
                key=f"w{worker}-{n}-{time.monotonic_ns()}",
                user_id=user,
                score=(n * 37) % 1000,
                retried=n % 10 != 0,
            )
            with self._lock:
                self.writes.append(write)
            self._send(write)
            time.sleep(0.002)

    def _send(self, write: Write) -> None:
        deadline = time.monotonic() + 60
        while True:
            status, body = request(
                self.port,
                "POST",
                "/api/leaderboard/submit",
                {"user_id": write.user_id, "score": write.score},
                {"Idempotency-Key": write.key},
            )
            code = body.get("error", {}).get("code") if isinstance(body, dict) else None
            write.statuses.append((status, code))
            with self._lock:
                self.statuses[status] += 1
            definitive = status is not None and (status < 500 or code == "SERVICE_UNAVAILABLE")
            if not write.retried:
                write.final = code if status == 503 else status
                return
            if status == 201 or (definitive and status != 503):
                write.final = status
                return
            # 503 of any kind or a lost connection: retry with the same key
            if time.monotonic() > deadline:
                write.final = ("gave up", status, code)
                return
            time.sleep(0.05)

    def _mistake(self, worker: int, n: int) -> None:
        body = [
            {"user_id": "abc", "score": 1},
            {"user_id": 1, "score": -1},
            {"user_id": 1, "score": 1, "game_mode": "arcade"},
            {"score": 5},
        ][n % 4]
        status, _ = request(self.port, "POST", "/api/leaderboard/submit", body)
        with self._lock:
            self.statuses[status] += 1
            self.mistakes.append((body, status))
