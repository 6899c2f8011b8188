"""What the app holds for its lifetime, created in create_app: the database pool
(web.database), one Redis client and the rank index, the username cache (web.names), the
memo of cached top-10 answers (web.top10), and the health view (web.health)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import redis
from prometheus_client import Counter

from leaderboard import logs, redisconn
from leaderboard.config import Settings
from leaderboard.index.echo import Echo
from leaderboard.index.keys import Keys
from leaderboard.index.reader import IndexReader, ShardedIndexReader
from leaderboard.rules import GLOBAL_BOARD
from web.database import Database
from web.directory import BoardDirectory
from web.health import HealthMonitor
from web.names import NameCache
from web.top10 import Top10Memo

log = logs.get("web.services")

# read-your-writes echoes by outcome: ok, skipped (no index of that epoch and board), failed
ECHOES = Counter(
    "leaderboard_read_your_writes_echoes_total",
    "a submit's values written into the index by the web app before it answered, by outcome",
    ["outcome"],
)


class Services:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        # late-bound: the health view that learns of an unreachable database is made below
        self.database = Database(
            settings.database_url,
            settings.web_threads,
            on_down=lambda: self.health.mark_db_down(),  # noqa: PLW0108
        )
        self.redis = redisconn.connect(
            settings.redis_url,
            socket_timeout=1.0,
            socket_connect_timeout=0.5,
            health_check_interval=30,
        )
        self.keys = Keys(settings.redis_prefix)
        self.shards = self._shards()
        self.index = (
            ShardedIndexReader(self.redis, self.keys, self.shards)
            if self.shards > 1
            else IndexReader(self.redis, self.keys)
        )
        self._echo = Echo(self.redis, self.keys, self.shards)
        self.names = NameCache(self.db)
        self.health = HealthMonitor(self.db, self.redis, self.index, self.shards)
        self.top10 = Top10Memo(self.index, lambda: self.health.current().possibly_stale)
        self.boards = BoardDirectory(self.index, self.db)

    def _shards(self) -> int:
        """How many shards the database routes to (1 for one node; README "Sharding"): the
        index is read from every shard's part when there are several. Asked once, at start;
        a database unreachable then is taken for one node, and the reads fall back to SQL
        (correct, slower) until the app restarts, which the log says."""
        try:
            with psycopg.connect(
                self.settings.database_url, autocommit=True, connect_timeout=2
            ) as conn:
                row = conn.execute("select shards from lb.shard_info()").fetchone()
        except psycopg.Error as exc:
            log.warning("shard_info_unavailable", error=(str(exc).splitlines() or [""])[0])
            return 1
        return int(row[0]) if row else 1

    @contextmanager
    def db(self) -> Iterator[psycopg.Connection]:
        """A pooled connection (web.database); an unreachable database is Unavailable (503)."""
        with self.database.connection() as conn:
            yield conn

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
        return self.top10.cached(board)

    def top10_body(self, board: str = GLOBAL_BOARD, *, original: bool = False) -> bytes | None:
        return self.top10.body(board, original=original)

    def close(self) -> None:
        self.database.close()
        self.redis.close()
