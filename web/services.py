"""What the app holds for its lifetime, created in create_app: one psycopg pool per process
(checked on checkout, so a PostgreSQL restart costs a reconnect, not failed requests), one
Redis client, the rank index, a username cache, and a short-lived view of the health of
PostgreSQL, Redis and the bridge."""

from __future__ import annotations

import json
import select
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
import redis
from cachetools import LRUCache
from prometheus_client import Counter
from psycopg_pool import ConnectionPool, PoolTimeout

from leaderboard import logs, sqlapi
from leaderboard.clock import iso
from leaderboard.config import Settings
from leaderboard.errors import LeaderboardError, Unavailable
from leaderboard.index.echo import Echo
from leaderboard.index.keys import Keys
from leaderboard.index.reader import IndexReader
from leaderboard.rules import GLOBAL_BOARD
from web.directory import BoardDirectory

log = logs.get("web.services")

# read-your-writes echoes by outcome: ok, skipped (no index of that epoch and board), failed
ECHOES = Counter(
    "leaderboard_read_your_writes_echoes_total",
    "a submit's values written into the index by the web app before it answered, by outcome",
    ["outcome"],
)

POOL_TIMEOUT_S = 1.0
# The cached top 10 changes once per refresh interval (10 s): each process reuses its decoded
# copy for up to this long instead of a Redis round trip per request. Its 'as_of' is still
# the build time, so answers stay truthful; at most this much older than Redis's copy.
TOP10_MEMO_S = 1.0
HEALTH_TTL_S = 1.0
BRIDGE_FRESH_S = 5.0


def server_closed(conn: psycopg.Connection) -> bool:
    """Whether an idle pooled connection was ended by the server, usually without a round
    trip. A server that ends a connection (restart, pg_terminate_backend) sends its goodbye
    and closes the socket, so only a readable socket is worth the full check (an empty
    query). Checking every checkout with a query cost ~0.27 ms of a ~1 ms submit."""
    if conn.closed:
        return True
    readable, _, _ = select.select([conn.pgconn.socket], [], [], 0)
    if not readable:
        return False
    try:
        ConnectionPool.check_connection(conn)
    except psycopg.Error:
        return True
    return False


class Services:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool = ConnectionPool(
            settings.database_url,
            min_size=1,
            max_size=max(2, settings.web_threads),
            kwargs={
                "autocommit": True,
                "application_name": "leaderboard-web",
                "connect_timeout": 3,
            },
            # checked in db(): the pool's own check backs off ~1 s after a failure, so after
            # a restart the first request would time out although new connections are ready
            check=None,
            timeout=POOL_TIMEOUT_S,
            open=False,
            name="leaderboard-web",
        )
        # wait=False: the app starts (and answers from Redis) while PostgreSQL is down
        self.pool.open(wait=False)
        self.redis = redis.Redis.from_url(
            settings.redis_url,
            socket_timeout=1.0,
            socket_connect_timeout=0.5,
            health_check_interval=30,
        )
        self.keys = Keys(settings.redis_prefix)
        self.index = IndexReader(self.redis, self.keys)
        self._echo = Echo(self.redis, self.keys)
        self.names = NameCache(self)
        self.health = HealthMonitor(self)
        self.boards = BoardDirectory(self.index, self.db)
        self._closers: list = []
        self._top10: dict[str, tuple[float, dict[str, Any] | None, tuple[bytes, bytes]]] = {}

    def echo(self, entries: list[dict[str, Any]]) -> None:
        """Write a committed submit's values into the index (read-your-writes). The submit
        stands whatever happens here: with Redis down, reads come from PostgreSQL, which has
        it; with Redis slow or failing, the bridge brings it within the propagation bound."""
        try:
            outcomes = self._echo.write(entries)
        except redis.RedisError as exc:
            ECHOES.labels("failed").inc()
            log.warning("echo_failed", error=str(exc))
            return
        for outcome in outcomes.values():
            ECHOES.labels(outcome).inc()

    def cached_top10(self, board: str = GLOBAL_BOARD) -> dict[str, Any] | None:
        return self._top10_memo(board)[1]

    def top10_body(self, board: str = GLOBAL_BOARD, *, original: bool = False) -> bytes | None:
        """The whole answer to a plain GET of a board's top, serialized once per memo period
        (`original`: the shape of the original's /api/leaderboard/top, without board and
        period); None when there is no cache, it is from a period that has ended, or reads
        must carry the possibly_stale flag."""
        _, value, bodies = self._top10_memo(board)
        if value is None or self.health.current().possibly_stale:
            return None
        ends = value.get("period", {}).get("end")
        if ends is not None and ends <= iso():
            return None  # built before the board's reset: the live path reads the new period
        return bodies[0] if original else bodies[1]

    def _top10_memo(self, board: str) -> tuple[float, dict[str, Any] | None, tuple[bytes, bytes]]:
        memo = self._top10.get(board)
        if memo is None or time.monotonic() - memo[0] > TOP10_MEMO_S:
            value = self.index.cached_top10(board)
            bodies = (b"", b"")
            if value is not None:
                answer: dict[str, Any] = {
                    "success": True,
                    "data": value["data"],
                    "source": "redis",
                    "as_of": value["built_at"],
                    "next_refresh_at": value.get("next_refresh_at"),
                    "cached": True,
                }
                described = {
                    **answer,
                    "board": board,
                    "period": value.get("period", {"start": None, "end": None}),
                }
                bodies = (
                    json.dumps(answer, separators=(",", ":")).encode(),
                    json.dumps(described, separators=(",", ":")).encode(),
                )
            memo = (time.monotonic(), value, bodies)
            self._top10[board] = memo
        return memo

    @contextmanager
    def db(self) -> Iterator[psycopg.Connection]:
        """A pooled connection that the server has not closed; an unreachable database
        becomes Unavailable (503). Connections a restart ended are closed and handed back,
        which makes the pool discard and replace them, and the next one is taken at once."""
        try:
            conn = self.pool.getconn()
            for _ in range(self.pool.max_size):
                if not server_closed(conn):
                    break
                conn.close()
                self.pool.putconn(conn)
                conn = self.pool.getconn()
        except PoolTimeout as exc:
            self.health.mark_db_down()
            raise Unavailable("the database is unavailable; retry shortly") from exc
        try:
            yield conn
        except psycopg.OperationalError as exc:
            self.health.mark_db_down()
            raise Unavailable("the database is unavailable; retry shortly") from exc
        finally:
            self.pool.putconn(conn)

    def on_close(self, closer) -> None:
        self._closers.append(closer)

    def close(self) -> None:
        for closer in self._closers:
            closer()
        self._closers.clear()
        self.pool.close()
        self.redis.close()


class NameCache:
    """Usernames never change, so a cached one is always right. Lets Redis-served reads label
    players without a query most of the time, and with PostgreSQL down, still label the ones
    seen before."""

    def __init__(self, services: Services, size: int = 100_000) -> None:
        self.services = services
        self._cache: LRUCache[int, str] = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def lookup(self, user_ids: list[int]) -> tuple[dict[int, str], bool]:
        """(names found, complete?) - incomplete only when PostgreSQL could not be asked."""
        with self._lock:
            found = {u: self._cache[u] for u in user_ids if u in self._cache}
        missing = [u for u in user_ids if u not in found]
        if not missing:
            return found, True
        try:
            with self.services.db() as conn:
                fetched = sqlapi.player_names(conn, missing)
        except (LeaderboardError, psycopg.Error):
            return found, False
        with self._lock:
            self._cache.update(fetched)
        return {**found, **fetched}, True

    def remember(self, user_id: int, username: str) -> None:
        with self._lock:
            self._cache[user_id] = username


@dataclass
class HealthReport:
    db: bool
    redis: bool
    bridge: dict[str, Any] = field(default_factory=dict)
    checked_at: float = field(default_factory=time.time)

    @property
    def bridge_ok(self) -> bool:
        return bool(self.bridge.get("ok"))

    @property
    def mode(self) -> str:
        """Which degraded mode is on (README "Degraded modes")."""
        down = [
            name
            for name, ok in (
                ("postgres", self.db),
                ("redis", self.redis),
                ("bridge", self.bridge_ok),
            )
            if not ok
        ]
        return "normal" if not down else "_".join(down) + "_down"

    @property
    def possibly_stale(self) -> bool:
        """Redis-served reads may lag PostgreSQL: nothing is feeding the index right now."""
        return not (self.db and self.bridge_ok)


class HealthMonitor:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._lock = threading.Lock()
        self._refreshing = threading.Lock()
        self._report: HealthReport | None = None

    def current(self) -> HealthReport:
        """A report about HEALTH_TTL_S old at most, for flags on read responses. One thread
        refreshes it; the others keep answering with the previous report meanwhile (when
        every request thread checked at once, the herd added up to 100 ms to 15% of reads)."""
        report = self._report
        if report is not None and time.time() - report.checked_at <= HEALTH_TTL_S:
            return report
        if report is None:
            return self.check()
        if not self._refreshing.acquire(blocking=False):
            return report
        try:
            return self.check()
        finally:
            self._refreshing.release()

    def mark_db_down(self) -> None:
        report = self._report
        if report is not None:
            report.db = False

    def check(self) -> HealthReport:
        report = HealthReport(db=self._db_ok(), redis=False)
        try:
            self.services.redis.ping()
            report.redis = True
            report.bridge = self._bridge()
        except redis.RedisError:
            report.bridge = {"ok": False, "reason": "redis unavailable: bridge state unknown"}
        with self._lock:
            self._report = report
        return report

    def _db_ok(self) -> bool:
        try:
            with self.services.db() as conn:
                conn.execute("select 1")
            return True
        except (LeaderboardError, psycopg.Error):
            return False

    def _bridge(self) -> dict[str, Any]:
        now = time.time()
        beats = [
            b
            for b in self.services.index.heartbeats(BRIDGE_FRESH_S)
            if now - float(b.get("heartbeat_at", 0)) <= BRIDGE_FRESH_S
        ]
        if not beats:
            return {"ok": False, "bridges": 0, "reason": "no bridge heartbeat in the last 5 s"}
        working = [b for b in beats if b.get("postgres_ok") == "1" and b.get("redis_ok") == "1"]
        best = max(working or beats, key=lambda b: float(b.get("last_sync_at", 0)))
        return {
            "ok": bool(working),
            "bridges": len(beats),
            "mode": best.get("mode"),
            "lag_p50_ms": _float(best.get("lag_p50_ms")),
            "lag_p99_ms": _float(best.get("lag_p99_ms")),
            "lag_max_ms": _float(best.get("lag_max_ms")),
            "last_sync_at": _iso(best.get("last_sync_at")),
            "last_catch_up_at": _iso(best.get("last_catch_up_at")),
            "last_catch_up_changes": int(best.get("last_catch_up_changes", 0)),
            "changes_total": int(best.get("changes_total", 0)),
            "rebuilds_total": int(best.get("rebuilds_total", 0)),
            # the sampling check (bridge.sampler), over every live bridge
            "sample_mismatches_total": sum(int(b.get("sample_mismatches_total", 0)) for b in beats),
            "last_sample_at": _iso(
                max((b.get("last_sample_at", "0") for b in beats), key=float, default=None)
            ),
            "heartbeats": beats,
        }


def _float(raw: str | None) -> float | None:
    return float(raw) if raw else None


def _iso(raw: str | None) -> str | None:
    return iso(float(raw)) if raw and float(raw) > 0 else None
