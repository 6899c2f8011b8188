"""Usernames for Redis-served reads, which carry only user ids."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager

import psycopg
from cachetools import LRUCache

from leaderboard import sqlapi
from leaderboard.errors import LeaderboardError


class NameCache:
    """Usernames never change, so a cached one is always right. Lets Redis-served reads label
    players without a query most of the time, and with PostgreSQL down, still label the ones
    seen before."""

    def __init__(
        self,
        connection: Callable[[], AbstractContextManager[psycopg.Connection]],
        size: int = 100_000,
    ) -> None:
        self.connection = connection
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
            with self.connection() as conn:
                fetched = sqlapi.player_names(conn, missing)
        except (LeaderboardError, psycopg.Error):
            return found, False
        with self._lock:
            self._cache.update(fetched)
        return {**found, **fetched}, True

    def remember(self, user_id: int, username: str) -> None:
        with self._lock:
            self._cache[user_id] = username
