"""A production-shaped stack on this machine, for fault tests and the chaos soak.

Its own PostgreSQL cluster and Redis server (faults restart them), the web server (`leaderboard
web`, granian) and the bridge (`leaderboard bridge`) as processes, each connecting as a
least-privileged login (lb_web, lb_bridge); game servers connect as an lb_game_server login.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import time

import psycopg

from leaderboard import migrate
from leaderboard.logins import create_login
from ops import postgres as ops_postgres
from ops import redis_server as ops_redis
from ops.processes import Service, free_port


def url_for(port: int, user: str, dbname: str) -> str:
    return f"postgresql://{user}@127.0.0.1:{port}/{dbname}"


class Stack:
    def __init__(
        self, pg_settings: dict[str, str] | None = None, service_env: dict[str, str] | None = None
    ) -> None:
        self.pg = ops_postgres.temporary(
            free_port(), settings=pg_settings or {"fsync": "off", "shared_buffers": "64MB"}
        )
        self.redis = ops_redis.temporary(free_port())
        self.port = free_port()
        self.service_env = service_env or {}
        self.admin_url = ""
        self.game_url = ""
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
            create_login(admin, "faults_game", "game_server", None)
        self.game_url = url_for(self.pg.port, "faults_game", "faults")
        self.redis.start()
        common = {
            **os.environ,
            "REDIS_URL": self.redis.url(),
            "RATE_LIMIT": "off",
            "LEADERBOARD_SUBMIT_AUTH": "open",
            "LEADERBOARD_REFRESH_INTERVAL_MS": "1000",
            "LEADERBOARD_SAFETY_POLL_MS": "200",
            **self.service_env,
        }
        self.web = Service(
            "web",
            {
                **common,
                "PORT": str(self.port),
                "WEB_WORKERS": "2",
                "WEB_THREADS": "8",
                "DATABASE_URL": url_for(self.pg.port, "faults_web", "faults"),
            },
        )
        self.bridge = Service(
            "bridge",
            {**common, "DATABASE_URL": url_for(self.pg.port, "faults_bridge", "faults")},
        )
        self.web.start()
        self.bridge.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if request(self.port, "GET", "/health")[0] == 200:
                return self
            time.sleep(0.1)
        raise RuntimeError("stack not healthy:\n" + self.web.output() + self.bridge.output())

    def close(self) -> None:
        for service in (self.web, self.bridge):
            if service:
                service.close()
        self.redis.kill()
        shutil.rmtree(self.redis.root, ignore_errors=True)
        self.pg.destroy()

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.admin_url, autocommit=True)

    def web_workers(self) -> list[int]:
        """The web server's worker processes (children of the granian main process)."""
        assert self.web is not None
        try:
            with open(f"/proc/{self.web.pid}/task/{self.web.pid}/children") as f:
                return [int(p) for p in f.read().split()]
        except OSError:
            return []


def request(
    port: int,
    method: str,
    path: str,
    body: dict | None = None,
    *,
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
