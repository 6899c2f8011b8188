"""A plain Python model of boards, written from the rules in the README, not from the SQL: what
each board should hold given a list of sessions. Property tests compare PostgreSQL (and Redis
through it) with this model.

Local times are converted the way PostgreSQL converts them: a wall-clock time that does not
exist (a daylight-saving gap) or exists twice (an overlap) becomes the later of its two
possible instants.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

MONDAY = date(1970, 1, 5)


@dataclass(frozen=True)
class BoardDef:
    reset: str = "never"
    time_zone: str = "UTC"
    reset_every: timedelta | None = None
    reset_anchor: datetime | None = None  # naive, on the board's wall clock
    game_mode: str | None = None
    aggregate: str = "sum"
    tie_break: str = "shared"
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    retain_periods: int = 8

    def accepts(self, mode: str, when: datetime) -> bool:
        return (
            (self.game_mode is None or self.game_mode == mode)
            and (self.starts_at is None or self.starts_at <= when)
            and (self.ends_at is None or when < self.ends_at)
        )


def localize(naive: datetime, zone: str) -> datetime:
    """A wall-clock time on `zone`, as PostgreSQL's `timestamp at time zone` reads it."""
    tz = ZoneInfo(zone)
    candidates = [naive.replace(tzinfo=tz, fold=f).astimezone(UTC) for f in (0, 1)]
    return max(candidates)


def period_start(board: BoardDef, instant: datetime) -> datetime | None:
    """The start of the board's period containing `instant`; None for an all-time board."""
    tz = ZoneInfo(board.time_zone)
    local = instant.astimezone(tz).replace(tzinfo=None)
    if board.reset == "never":
        return None
    if board.reset == "daily":
        return localize(datetime.combine(local.date(), datetime.min.time()), board.time_zone)
    if board.reset == "weekly":
        weeks = math.floor((local.date() - MONDAY).days / 7)
        monday = MONDAY + timedelta(days=7 * weeks)
        return localize(datetime.combine(monday, datetime.min.time()), board.time_zone)
    if board.reset == "monthly":
        return localize(datetime(local.year, local.month, 1), board.time_zone)
    every, anchor = board.reset_every, board.reset_anchor
    assert board.reset == "fixed"
    assert every is not None
    assert anchor is not None
    if every % timedelta(days=1) == timedelta(0):
        n = math.floor((local - anchor) / every)
        return localize(anchor + n * every, board.time_zone)
    origin = localize(anchor, board.time_zone)
    n = math.floor((instant - origin) / every)
    return origin + n * every


@dataclass
class Entry:
    value: int
    tie_at: datetime | None  # on earliest boards


@dataclass
class Session:
    user_id: int
    score: int
    mode: str
    at: datetime


@dataclass
class BoardModel:
    """Entries of one board, by period then user, fed with sessions in commit order."""

    board: BoardDef
    periods: dict[datetime | None, dict[int, Entry]] = field(default_factory=dict)

    def add(self, s: Session) -> None:
        if not self.board.accepts(s.mode, s.at):
            return
        entries = self.periods.setdefault(period_start(self.board, s.at), {})
        earliest = self.board.tie_break == "earliest"
        old = entries.get(s.user_id)
        if old is None:
            entries[s.user_id] = Entry(s.score, s.at if earliest else None)
        elif self.board.aggregate == "sum":
            # the tie time is when the sum last rose (the first session, while it is 0)
            if s.score > 0:
                tie = s.at if old.value == 0 else max(old.tie_at or s.at, s.at)
                entries[s.user_id] = Entry(old.value + s.score, tie if earliest else None)
            elif old.value == 0 and earliest:
                entries[s.user_id] = Entry(0, min(old.tie_at or s.at, s.at))
        elif s.score > old.value:
            entries[s.user_id] = Entry(s.score, s.at if earliest else None)
        elif s.score == old.value and earliest:
            entries[s.user_id] = Entry(s.score, min(old.tie_at or s.at, s.at))

    def ranked(self, period: datetime | None) -> list[tuple[int, int, int]]:
        """(rank, user_id, value) in board order."""
        entries = self.periods.get(period, {})
        earliest = self.board.tie_break == "earliest"

        def key(uid: int) -> tuple:
            e = entries[uid]
            return (-e.value, e.tie_at if earliest else datetime.min, uid)

        order = sorted(entries, key=key)
        out = []
        for position, uid in enumerate(order, start=1):
            value = entries[uid].value
            higher = sum(1 for e in entries.values() if e.value > value)
            out.append((position if earliest else 1 + higher, uid, value))
        return out
