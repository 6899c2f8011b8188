"""Reads: from the Redis index when it is there, from PostgreSQL's exact functions when not.

Both paths follow one ranking rule (competition rank, ties by user_id), so /top, /rank and
/around agree with each other and with lb.player_rank. Every result says where it came from
("source") and, when served from Redis while nothing feeds the index (PostgreSQL or the
bridge down), that it may be stale.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import redis

from leaderboard import sqlapi
from leaderboard.clock import iso
from leaderboard.errors import Unavailable
from leaderboard.index.reader import IndexUnavailable, Ranked
from web.directory import GLOBAL_CURRENT, Period

if TYPE_CHECKING:
    from web.services import Services


@dataclass
class ReadResult:
    data: Any
    source: str
    as_of: str = field(default_factory=iso)
    cached: bool = False
    possibly_stale: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def envelope(self) -> dict[str, Any]:
        body = {
            "success": True,
            "data": self.data,
            "source": self.source,
            "as_of": self.as_of,
            **self.extra,
        }
        if self.possibly_stale:
            body["possibly_stale"] = True
        return body


class Reads:
    def __init__(self, services: Services) -> None:
        self.services = services

    # -- top ------------------------------------------------------------------------------

    def top(self, limit: int = 10, offset: int = 0, period: Period = GLOBAL_CURRENT) -> ReadResult:
        index = self.services.index
        try:
            if offset == 0 and limit <= 10 and period.current:
                cache = self.services.cached_top10(period.board)
                if cache is not None and _same_period(cache, period):
                    return ReadResult(
                        cache["data"][:limit],
                        "redis",
                        as_of=cache["built_at"],
                        cached=True,
                        possibly_stale=self._stale(),
                        extra={"next_refresh_at": cache.get("next_refresh_at")},
                    )
            if self._indexed(period):
                return self._labelled(index.page(limit, offset, period.board, period.key))
        except (IndexUnavailable, redis.RedisError):
            pass
        with self.services.db() as conn:
            rows = sqlapi.top_players(conn, limit, offset, period.board, period.sql)
        return ReadResult(rows, "postgres")

    # -- one player -----------------------------------------------------------------------

    def rank(self, user_id: int, period: Period = GLOBAL_CURRENT) -> ReadResult:
        found = None
        try:
            if self._indexed(period):
                found = self.services.index.rank(user_id, period.board, period.key)
        except (IndexUnavailable, redis.RedisError):
            found = None
        if found is not None:
            (labelled,), complete = self._names([found])
            row = {
                "user_id": user_id,
                "username": labelled.username,
                "total_score": labelled.total_score,
                "rank": labelled.rank,
            }
            return ReadResult(row, "redis", possibly_stale=self._stale() or not complete)
        # not in the index: unknown, nothing there yet, or the index is not there
        with self.services.db() as conn:
            row = sqlapi.player_rank(conn, user_id, period.board, period.sql)
        self.services.names.remember(row["user_id"], row["username"])
        return ReadResult(row, "postgres")

    def around(self, user_id: int, radius: int, period: Period = GLOBAL_CURRENT) -> ReadResult:
        window = None
        try:
            if self._indexed(period):
                window = self.services.index.around(user_id, radius, period.board, period.key)
        except (IndexUnavailable, redis.RedisError):
            window = None
        if window is not None:
            result = self._labelled(window)
            result.extra["user_id"] = user_id
            return result
        with self.services.db() as conn:
            rows = sqlapi.players_around(conn, user_id, radius, period.board, period.sql)
        return ReadResult(rows, "postgres", extra={"user_id": user_id})

    def sessions(self, user_id: int, limit: int) -> ReadResult:
        with self.services.db() as conn:
            rows = sqlapi.player_sessions(conn, user_id, limit)
        for row in rows:
            row["played_at"] = iso(row["played_at"])
        return ReadResult(rows, "postgres", extra={"user_id": user_id})

    # -- the live stream's snapshot ---------------------------------------------------------

    def top10_snapshot(self, period: Period = GLOBAL_CURRENT) -> dict[str, Any]:
        """What a new SSE client sees first: the cached top 10, or a live one."""
        try:
            cache = self.services.cached_top10(period.board)
        except redis.RedisError:
            cache = None
        if cache is not None and _same_period(cache, period):
            return {"type": "top10", **cache}
        try:
            result = self.top(10, 0, period)
        except Unavailable:
            result = ReadResult([], "none")
        interval_s = self.services.settings.refresh_interval_ms / 1000
        return {
            "type": "top10",
            "board": period.board,
            "period": period.describe(),
            "data": result.data,
            "built_at": result.as_of,
            "next_refresh_at": iso(time.time() + interval_s),
            "interval_ms": self.services.settings.refresh_interval_ms,
            "source": result.source,
        }

    def _indexed(self, period: Period) -> bool:
        """Whether to ask the index: always for the current period (a period without a set
        yet is just empty); for a past one, only if the index holds its set, since PostgreSQL
        keeps a period until it is pruned."""
        if period.current:
            return True
        view = self.services.boards.view(period.board)
        return view is not None and period.key in view.periods

    # -- helpers ----------------------------------------------------------------------------

    def _labelled(self, ranked: list[Ranked]) -> ReadResult:
        ranked, complete = self._names(ranked)
        rows = [
            {
                "rank": r.rank,
                "user_id": r.user_id,
                "username": r.username,
                "total_score": r.total_score,
            }
            for r in ranked
        ]
        return ReadResult(rows, "redis", possibly_stale=self._stale() or not complete)

    def _names(self, ranked: list[Ranked]) -> tuple[list[Ranked], bool]:
        """The index carries usernames; a name it lacks comes from the LRU or PostgreSQL.
        False when some name could not be found (PostgreSQL down)."""
        missing = [r.user_id for r in ranked if r.username is None]
        if not missing:
            return ranked, True
        names, complete = self.services.names.lookup(missing)
        return [
            r if r.username is not None else replace(r, username=names.get(r.user_id))
            for r in ranked
        ], complete

    def _stale(self) -> bool:
        return self.services.health.current().possibly_stale


def _same_period(cache: dict[str, Any], period: Period) -> bool:
    """A cached top 10 built before its board's reset describes the old period."""
    cached = cache.get("period")
    if not cached or period.start is None:
        return True
    return cached.get("start") == period.describe()["start"]
