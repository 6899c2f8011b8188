"""Running bridges in tests: in a thread (most tests) or as a process (to kill -9 it)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import psycopg
import redis

from bridge.service import Bridge
from leaderboard.config import Settings
from leaderboard.index import encoding
from leaderboard.index.keys import Keys
from ops.processes import Service
from tests.support.db import global_totals


def settings_for(database_url: str, redis_url: str, **overrides) -> Settings:
    base = Settings(
        database_url=database_url, redis_url=redis_url, refresh_interval_ms=500, safety_poll_ms=200
    )
    return replace(base, **overrides)


class BridgeThread:
    def __init__(self, settings: Settings) -> None:
        self.bridge = Bridge(settings)
        self.thread = threading.Thread(target=self.bridge.run, name="bridge", daemon=True)

    def __enter__(self) -> BridgeThread:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.bridge.stop()
        self.thread.join(timeout=20)
        assert not self.thread.is_alive(), "bridge did not stop"


class BridgeProcess(Service):
    """`leaderboard bridge` as a child process, as a deployment runs it."""

    def __init__(self, database_url: str, redis_url: str, **env: str) -> None:
        super().__init__(
            "bridge",
            {
                "DATABASE_URL": database_url,
                "REDIS_URL": redis_url,
                "LEADERBOARD_REFRESH_INTERVAL_MS": "500",
                "LEADERBOARD_SAFETY_POLL_MS": "200",
                **env,
            },
        )


def wait_until(
    predicate: Callable[[], object],
    timeout: float = 20.0,
    interval: float = 0.05,
    message: str = "condition",
) -> object:
    """Poll until `predicate` is truthy. The timeout is a generous safety net for a stuck
    system, not a performance assertion."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {message}; last value: {last!r}")


KEYS = Keys()
GLOBAL_META = KEYS.board_meta("global")
GLOBAL_SCORES = KEYS.scores("global", encoding.ALL_TIME)


def redis_totals(
    client: redis.Redis, board: str = "global", period: str = encoding.ALL_TIME, keys: Keys = KEYS
) -> dict[int, int]:
    return {
        encoding.user_of(m): encoding.value_of(s)
        for m, s in client.zrange(keys.scores(board, period), 0, -1, withscores=True)
    }


def pg_totals(conn: psycopg.Connection) -> dict[int, int]:
    return global_totals(conn)


def converged(conn: psycopg.Connection, client: redis.Redis) -> bool:
    try:
        return redis_totals(client) == pg_totals(conn) and client.exists(GLOBAL_META) == 1
    except redis.RedisError:
        return False


def sql_periods(conn, board: str) -> list[datetime | None]:
    return [
        p
        for (p,) in conn.execute(
            "select distinct nullif(e.period_start, '-infinity') from lb.board_entries e"
            " join lb.boards b using (board_no) where b.board_id = %s",
            (board,),
        )
    ]


def sql_entries(conn, board: str, period: datetime | None) -> list[tuple]:
    """(user_id, value, tie time in microseconds or None) in board order."""
    return conn.execute(
        "select e.user_id, e.value, case when e.tie_at <> '-infinity'"
        " then (extract(epoch from e.tie_at) * 1000000)::bigint end"
        " from lb.board_entries e join lb.boards b using (board_no)"
        " where b.board_id = %s and e.period_start = coalesce(%s::timestamptz, '-infinity')"
        " order by e.value desc, e.tie_at, e.user_id",
        (board, period),
    ).fetchall()


def redis_entries(client, board: str, period: datetime | None, earliest: bool) -> list[tuple]:
    """The same, read from the board-period's sorted set: members carry the tie time."""
    key = encoding.period_key(None if period is None else int(period.timestamp()))
    rows = client.zrange(KEYS.scores(board, key), 0, -1, withscores=True)
    return [
        (
            encoding.user_of(member, earliest),
            encoding.value_of(score),
            encoding.tie_of(member) if earliest else None,
        )
        for member, score in rows
    ]
