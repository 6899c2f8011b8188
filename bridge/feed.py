"""The bridge's view of PostgreSQL: the change feed (lb.feed_position / lb.read_changes),
the awake claim (lb.claim_feed), and LISTEN on the wake-up channel.

Every read runs in a REPEATABLE READ, READ ONLY transaction that starts with
lb.feed_position(): the snapshot it returns is the one the reads see, so "changes since this
snapshot" next time is exactly what this read did not see.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg

CHANNEL = "lb_changes_v1"


@dataclass(frozen=True)
class Position:
    snapshot: str
    epoch: int

    @property
    def xmin(self) -> int:
        """Every transaction below this had finished when the snapshot was taken."""
        return int(self.snapshot.split(":")[0])


@dataclass(frozen=True)
class Change:
    user_id: int
    total_score: int
    updated_at: float  # epoch seconds, on PostgreSQL's clock
    username: str | None  # only for players new since the snapshot read from


class ChangeFeed:
    def __init__(self, conn: psycopg.Connection) -> None:
        if not conn.autocommit:
            raise ValueError("the feed needs an autocommit connection (LISTEN, session locks)")
        self.conn = conn

    @contextmanager
    def snapshot(self) -> Iterator[Position]:
        with self.conn.transaction():
            self.conn.execute("set transaction isolation level repeatable read, read only")
            row = self.conn.execute(
                "select snapshot::text, epoch from lb.feed_position()"
            ).fetchone()
            yield Position(snapshot=row[0], epoch=row[1])

    def poll(self, since: str) -> tuple[Position, list[Change]]:
        """The current position and the players changed since `since`: one statement."""
        # updated_at as epoch seconds: parsing a timestamptz per change cost the bridge more
        # CPU than everything else it does with the change
        rows = self.conn.execute(
            "select snapshot::text, epoch, user_id, total_score,"
            " extract(epoch from updated_at)::float8, username"
            " from lb.poll_changes(%s::pg_snapshot)",
            (since,),
        ).fetchall()
        header = next(row for row in rows if row[2] is None)
        changes = [Change(*row[2:6]) for row in rows if row[2] is not None]
        return Position(snapshot=header[0], epoch=header[1]), changes

    def everything(self) -> Iterator[tuple[int, int, str]]:
        """Every player's (user_id, total, username) in user_id order, streamed with COPY;
        call inside snapshot(). In id order, usernames fill their Redis buckets (100
        consecutive ids each) one command per bucket. Usernames are [A-Za-z0-9_.-], so COPY's
        text format needs no unescaping."""
        with self.conn.cursor().copy(
            "copy (select user_id, total_score, username from lb.read_changes(null)"
            " order by user_id) to stdout"
        ) as copy:
            tail = b""
            for block in copy:
                lines = (tail + bytes(block)).split(b"\n")
                tail = lines.pop()
                for line in lines:
                    user_id, total, username = line.split(b"\t")
                    yield int(user_id), int(total), username.decode()
            if tail:
                user_id, total, username = tail.split(b"\t")
                yield int(user_id), int(total), username.decode()

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
