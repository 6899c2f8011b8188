"""Boards and periods as the web app sees them: which boards exist, what a `period` query
parameter means for a board, and where that period lives in the index.

PostgreSQL defines periods (lb.boards(), lb.board_periods()); this module never computes one.
The common read, a board's current period, needs no query: the bridge publishes each board's
current period and its end in the board's meta in Redis, read here at most once a second per
process; once that end has passed the current period is the next one (periods are
contiguous). A past period (`previous`, or a start time) is checked against the board's
readable periods from lb.board_periods(), cached per process for a second, or until the
current period ends.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import redis
from cachetools import LRUCache

from leaderboard import sqlapi
from leaderboard.clock import ISO_RULE, InstantError, iso, parse_instant
from leaderboard.errors import BoardNotFound, InvalidArgument, LeaderboardError, PeriodNotFound
from leaderboard.index import encoding
from leaderboard.index.reader import BoardView, IndexReader
from leaderboard.rules import BOARD_ID_PATTERN, GLOBAL_BOARD

# matched whole (fullmatch): the pattern's `$` also matches before a final newline
BOARD_ID = re.compile(BOARD_ID_PATTERN.removeprefix("^").removesuffix("$"))
CACHE_S = 1.0
MEMO_KEYS = 1024
T = TypeVar("T")


@dataclass(frozen=True)
class Period:
    """A resolved period of a board: its name in the index and its bounds (None for an
    all-time board, or an end not yet known right after a reset)."""

    board: str
    key: str
    start: datetime | None
    end: datetime | None
    current: bool

    @property
    def sql(self) -> datetime | None:
        """What the SQL reads take: null for the current period (PostgreSQL resolves it, so a
        fallback read is right even at the instant of a reset), else the start."""
        return None if self.current else self.start

    def describe(self) -> dict[str, str | None]:
        return {
            "start": iso(self.start) if self.start else None,
            "end": iso(self.end) if self.end else None,
        }


GLOBAL_CURRENT = Period(GLOBAL_BOARD, encoding.ALL_TIME, None, None, True)


def parse_board(raw: str) -> str:
    if not BOARD_ID.fullmatch(raw):
        raise InvalidArgument(
            f"board must be 1 to 40 characters from a-z, 0-9, '_' and '-', got {raw!r}",
            field="board",
        )
    return raw


def parse_period(raw: str | None) -> str | datetime:
    """'current' (the default), 'previous', or an ISO 8601 time with a time zone."""
    if raw is None or raw == "current":
        return "current"
    if raw == "previous":
        return raw
    try:
        return parse_instant(raw)
    except InstantError as exc:
        rule = (
            "must be current, previous, or a period's start as an ISO 8601 time with a time"
            " zone (2026-03-30T00:00:00Z)"
            if str(exc) == ISO_RULE
            else str(exc)
        )
        raise InvalidArgument(f"period {rule}, got {raw!r}", field="period") from None


class _Memo:
    """A value per key, kept for CACHE_S seconds; one thread refreshes, the rest wait. At most
    MEMO_KEYS keys, the least recently used dropped first: the keys are board names from
    request paths, and every made-up one was kept before."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: LRUCache[str, tuple[float, Any]] = LRUCache(maxsize=MEMO_KEYS)

    def get(self, key: str, load: Callable[[], T], fresh: Callable[[T], bool] | None = None) -> T:
        now = time.monotonic()
        with self._lock:  # an LRU cache reorders itself on every read
            hit = self._values.get(key)
        if hit and now - hit[0] < CACHE_S and (fresh is None or fresh(hit[1])):
            return hit[1]
        with self._lock:
            hit = self._values.get(key)
            if hit and now - hit[0] < CACHE_S and (fresh is None or fresh(hit[1])):
                return hit[1]
            value = load()
            self._values[key] = (time.monotonic(), value)
            return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


class BoardDirectory:
    def __init__(self, index: IndexReader, db: Callable[[], Any]) -> None:
        self.index = index
        self.db = db  # a context manager giving a pooled connection (Services.db)
        self._views = _Memo()
        self._boards = _Memo()
        self._periods = _Memo()

    def forget(self) -> None:
        """After this process changed a board: read everything again."""
        for memo in (self._views, self._boards, self._periods):
            memo.clear()

    # -- PostgreSQL's view -------------------------------------------------------------------

    def boards(self) -> list[dict[str, Any]]:
        """lb.boards(), global first."""

        def load() -> list[dict[str, Any]]:
            with self.db() as conn:
                return sqlapi.boards(conn)

        return self._boards.get("all", load)

    def board(self, board: str) -> dict[str, Any]:
        for row in self.boards():
            if row["board_id"] == board:
                return row
        raise BoardNotFound(f"board {board!r} does not exist", field="board")

    def periods(self, board: str) -> list[dict[str, Any]]:
        """lb.board_periods(board), newest first; again once the newest has ended."""

        def load() -> list[dict[str, Any]]:
            with self.db() as conn:
                return sqlapi.board_periods(conn, board)

        def fresh(rows: list[dict[str, Any]]) -> bool:
            end = rows[0]["period_end"] if rows else None
            return end is None or end > datetime.now(UTC)

        return self._periods.get(board, load, fresh)

    # -- the index's view --------------------------------------------------------------------

    def view(self, board: str) -> BoardView | None:
        """The board's meta in Redis, or None when it has no index or Redis is down."""

        def load() -> BoardView | None:
            try:
                return self.index.board(board)
            except redis.RedisError:
                return None

        return self._views.get(board, load)

    # -- resolving a `period` parameter --------------------------------------------------------

    def resolve(self, board: str, asked: str | datetime) -> Period:
        """The period a read asks for. Unknown board: BoardNotFound; a period the board does
        not have (not one of its starts, past its retention, not begun): PeriodNotFound."""
        if asked == "current":
            view = self.view(board)
            if view is not None:
                return self._current_from(view)
            row = self.board(board)  # no index: PostgreSQL knows, or says it does not exist
            return _period(board, row["period_start"], row["period_end"], current=True)
        periods = self.periods(board)
        if asked == "previous":
            if len(periods) < 2:
                raise PeriodNotFound(
                    f"board {board!r} has no previous period"
                    + (
                        ": it never resets"
                        if periods and periods[0]["period_start"] is None
                        else ""
                    )
                )
            row = periods[1]
            return _period(board, row["period_start"], row["period_end"], current=False)
        assert isinstance(asked, datetime)
        for n, row in enumerate(periods):
            if row["period_start"] == asked:
                return _period(board, row["period_start"], row["period_end"], current=n == 0)
        raise PeriodNotFound(
            f"board {board!r} has no readable period starting at {iso(asked)}: "
            "not one of its period starts, older than it keeps, or not begun"
        )

    def _current_from(self, view: BoardView) -> Period:
        key = view.current()
        start = encoding.period_start(key)
        if start is None:
            return Period(view.board, key, None, None, True)
        end = view.period_end if key == view.period else None
        if end is None:
            # a reset the bridge has not published yet: the new period's end comes from SQL
            try:
                end_at = self.periods(view.board)[0]["period_end"]
            except LeaderboardError:
                end_at = None
            end = int(end_at.timestamp()) if end_at else None
        return Period(
            view.board,
            key,
            datetime.fromtimestamp(start, UTC),
            datetime.fromtimestamp(end, UTC) if end else None,
            True,
        )


def _period(board: str, start: datetime | None, end: datetime | None, *, current: bool) -> Period:
    key = encoding.period_key(None if start is None else int(start.timestamp()))
    return Period(board, key, start, end, current)
