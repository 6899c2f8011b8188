"""The change feed, PostgreSQL's side of the index: snapshots, change reads, the board list,
the awake claim (lb.claim_feed) and LISTEN on the wake-up channel.

Used by the bridge (polls) and by rebuilds (seeding rebuilds the index the same way). Every
consistent read runs in a REPEATABLE READ, READ ONLY transaction that starts with
lb.feed_position(): the snapshot it returns is the one the reads see, so "changes since this
snapshot" next time is exactly what this read did not see.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg

from leaderboard.index.encoding import current_period, period_key, period_start

CHANNEL = "lb_changes_v1"
ENTRIES_BATCH = 20_000


@dataclass(frozen=True)
class Position:
    snapshot: str
    epoch: int
    boards_version: int

    @property
    def xmin(self) -> int:
        """Every transaction below this had finished when the snapshot was taken."""
        return int(self.snapshot.split(":")[0])


@dataclass(frozen=True)
class Change:
    board_no: int
    period: str  # the period's key name (leaderboard.index.encoding.period_key)
    user_id: int
    value: int
    tie_us: int | None  # when the value was reached, on 'earliest' boards
    updated_at: float  # epoch seconds, on PostgreSQL's clock
    username: str | None  # only for entries new since the snapshot read from


@dataclass(frozen=True)
class BoardSpec:
    """A board as lb.feed_boards() describes it to the bridge."""

    board_no: int
    board_id: str
    board_epoch: int
    tie_break: str
    aggregate: str
    reset: str
    game_mode: str | None
    enabled: bool
    current_start: int | None  # epoch seconds; None for an all-time board
    current_end: int | None
    oldest_start: int | None  # the oldest readable period's start

    def current_period(self, now: float | None = None) -> str:
        return current_period(self.current_start, self.current_end, now)

    def readable(self, period: str) -> bool:
        """Whether a period is still readable (not older than the retention)."""
        if self.oldest_start is None:
            return True
        start = period_start(period)
        return start is not None and start >= self.oldest_start


def oldest_of(snapshots: Sequence[str]) -> str:
    """A snapshot that sees no more than any of `snapshots`: all of them if they are one,
    else one at the lowest xmin, under which every transaction is finished and none above is
    visible. Changes read since it are a superset of the changes since each; re-applying
    the extra ones is harmless (writes are absolute and never go backwards)."""
    if len(set(snapshots)) == 1:
        return snapshots[0]
    xmin = min(int(s.split(":")[0]) for s in snapshots)
    return f"{xmin}:{xmin}:"


@functools.lru_cache(maxsize=4096)
def _key(start: int | None) -> str:
    return period_key(start)


@functools.lru_cache(maxsize=4096)
def _period_key(start: datetime | None) -> str:
    return period_key(None if start is None else int(start.timestamp()))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _micros(moment: datetime | None) -> int | None:
    return None if moment is None else (moment - _EPOCH) // _MICROSECOND


class ChangeFeed:
    def __init__(self, conn: psycopg.Connection) -> None:
        if not conn.autocommit:
            raise ValueError("the feed needs an autocommit connection (LISTEN, session locks)")
        self.conn = conn
        self.unreadable: dict[str, str] = {}

    @contextmanager
    def snapshot(self) -> Iterator[Position]:
        with self.conn.transaction():
            self.conn.execute("set transaction isolation level repeatable read, read only")
            row = self.conn.execute(
                "select snapshot::text, epoch, boards_version from lb.feed_position()"
            ).fetchone()
            yield Position(snapshot=row[0], epoch=row[1], boards_version=row[2])

    def poll(
        self, since: str, board_nos: Sequence[int] | None = None
    ) -> tuple[Position, list[Change]]:
        """The current position and the entries changed since `since`: one statement."""
        rows = self.conn.execute(
            "select snapshot::text, epoch, boards_version, board_no, period_start, user_id,"
            " value, tie_us, updated_at, username"
            " from lb.poll_changes(%s::pg_snapshot, %s)",
            (since, list(board_nos) if board_nos is not None else None),
        ).fetchall()
        header = next(row for row in rows if row[3] is None)
        changes = [
            Change(row[3], _key(row[4]), row[5], row[6], row[7], row[8], row[9])
            for row in rows
            if row[3] is not None
        ]
        return Position(snapshot=header[0], epoch=header[1], boards_version=header[2]), changes

    def boards(self) -> list[BoardSpec]:
        """The boards whose periods PostgreSQL can compute. One it cannot (lb.feed_boards'
        `problem`) is left out and kept in `unreadable` (board id -> the error), so that it
        stops no other board; its index is kept as it is until it can be read again."""
        rows = self.conn.execute(
            "select board_no, board_id, board_epoch, tie_break, aggregate, reset, game_mode,"
            " enabled, current_start, current_end, oldest_start, problem from lb.feed_boards()"
        ).fetchall()
        self.unreadable = {row[1]: row[11] for row in rows if row[11] is not None}
        return [BoardSpec(*row[:11]) for row in rows if row[11] is None]

    def entry_batches(
        self, board: BoardSpec, *, names: bool = False
    ) -> Iterator[tuple[str, list[tuple[int, int, int | None, str | None]]]]:
        """Every entry of a board's readable periods as (period, [(user_id, value, tie_us,
        username or None)]) batches, in user_id order within each period (lb.read_board),
        from a server-side cursor; call inside snapshot(). In id order, usernames fill their
        Redis buckets (62 consecutive ids each) one command per bucket. Not COPY: PostgreSQL
        sends COPY one row per message, and psycopg's wait per message cost 2.6 s of a
        1M-entry rebuild."""
        starts = [
            start
            for (start,) in self.conn.execute(
                "select p from lb.board_entry_periods(%s::integer) as p", (board.board_no,)
            )
        ]
        for start in sorted(starts, key=lambda s: s.timestamp() if s else float("-inf")):
            period = _period_key(start)
            if not board.readable(period):
                continue  # past its retention: pruned soon, never read
            with self.conn.cursor(name=f"lb_entries_{board.board_no}", binary=True) as cur:
                cur.itersize = ENTRIES_BATCH
                cur.execute(
                    "select user_id, value, tie_at, username"
                    " from lb.read_board(%s::integer, %s, %s)",
                    (board.board_no, start, names),
                )
                while rows := cur.fetchmany(ENTRIES_BATCH):
                    if rows[0][2] is None:
                        yield period, rows  # shared ties: every tie_at is null
                    else:
                        yield period, [(u, v, _micros(t), n) for u, v, t, n in rows]

    def prune(self) -> int:
        """lb.prune_periods(): drop periods past their retention and deleted boards' rows."""
        return int(self.conn.execute("select lb.prune_periods()").fetchone()[0])

    def claim(self) -> bool:
        return bool(self.conn.execute("select lb.claim_feed()").fetchone()[0])

    def release(self) -> int:
        """Release the awake claim; returns the horizon to wait for (see lb.release_feed)."""
        return int(self.conn.execute("select lb.release_feed()::text").fetchone()[0])

    def listen(self) -> None:
        self.conn.execute(f"listen {CHANNEL}")

    def wait(self, timeout: float) -> list[psycopg.Notify]:
        """Notifications received within `timeout` seconds (returns at the first batch)."""
        return list(self.conn.notifies(timeout=timeout, stop_after=1))

    def clock_offset(self) -> float:
        """PostgreSQL's clock minus ours, in seconds, so lag can be measured against
        updated_at (stamped by the database) even when the bridge runs on another host."""
        before = time.time()
        (pg_now,) = self.conn.execute(
            "select extract(epoch from clock_timestamp())::float8"
        ).fetchone()
        after = time.time()
        return pg_now - (before + after) / 2
