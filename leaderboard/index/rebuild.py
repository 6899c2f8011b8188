"""A board's index rebuilt from one PostgreSQL snapshot and swapped in atomically.

Every entry of the board is streamed with COPY from a REPEATABLE READ snapshot into temporary
keys (which expire if the rebuilder dies), then one Lua call renames them into place together
with the snapshot as the board's new cursor. Readers see the old index or the new one, never
a half-built one. Writes committed during the rebuild are newer than its snapshot, so the
next catch-up reads them; the web app's echoes of submits answered meanwhile are journaled
and replayed by the install, so they stay visible in between. Other boards are not touched.
A per-board Redis lock keeps two processes from rebuilding the same board at once
(correctness does not depend on it).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg

from leaderboard import progress
from leaderboard.feed import BoardSpec, ChangeFeed
from leaderboard.index.writer import IndexWriter
from leaderboard.rules import GLOBAL_BOARD

REBUILD_LOCK_MS = 120_000


@dataclass(frozen=True)
class Rebuilt:
    board: str
    members: int
    seconds: float
    cursor: str
    epoch: int


def rebuild_board(
    feed: ChangeFeed,
    writer: IndexWriter,
    board: BoardSpec,
    *,
    show_progress: bool = False,
    line: int | None = None,
) -> Rebuilt | None:
    """Rebuild one board; None when another process holds its rebuild lock, or when the board
    no longer exists (its keys are removed). `show_progress`: a bar on a terminal (the
    commands a person runs, never the bridge)."""
    token = uuid.uuid4().hex
    lock = writer.keys.rebuild_lock(board.board_id)
    if not writer.redis.set(lock, token, nx=True, px=REBUILD_LOCK_MS):
        return None
    started = time.monotonic()
    writer.begin_rebuild(board.board_id)
    installed = False
    try:
        with feed.snapshot() as position:
            # the definition as of the snapshot the entries are read at, so the board epoch
            # installed with them is theirs
            current = {b.board_no: b for b in feed.boards()}.get(board.board_no)
            if current is None or current.board_id != board.board_id:
                writer.drop_board(board.board_id)
                return None
            # usernames are shared by every board, and every player with an entry anywhere
            # has one on `global` (every mode, all time, never disabled): its rebuild writes
            # them all, the others write none
            names = current.board_id == GLOBAL_BOARD
            entries = progress.batches(
                feed.entry_batches(current, names=names),
                f"index {current.board_id}",
                enabled=show_progress,
                position=line,
            )
            counts = writer.load(current, token, position.epoch, entries)
            writer.install(current, token, position.snapshot, position.epoch, counts)
            installed = True
    finally:
        if not installed:
            writer.abandon_rebuild(board.board_id)
        writer.release_lock(lock, token)
    return Rebuilt(
        board=board.board_id,
        members=sum(counts.values()),
        seconds=time.monotonic() - started,
        cursor=position.snapshot,
        epoch=position.epoch,
    )


def rebuild_boards(
    connect: Callable[[], psycopg.Connection],
    writer: IndexWriter,
    boards: Sequence[BoardSpec],
    workers: int = 2,
    show_progress: bool = False,
) -> list[Rebuilt | None]:
    """Several boards at once, each worker on a connection of its own: reading PostgreSQL,
    encoding in Python and loading Redis overlap across boards (four boards of 5.9M entries
    in all took 21 s one after another on two cores). Results in the order of `boards`."""
    local = threading.local()
    opened: list[psycopg.Connection] = []
    lock = threading.Lock()

    def one(board: BoardSpec) -> Rebuilt | None:
        if not hasattr(local, "feed"):
            conn = connect()
            with lock:
                opened.append(conn)
                local.line = len(opened) - 1  # each worker's bar on a line of its own
            local.feed = ChangeFeed(conn)
        return rebuild_board(
            local.feed, writer, board, show_progress=show_progress, line=local.line
        )

    try:
        with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="rebuild") as pool:
            return list(pool.map(one, boards))
    finally:
        for conn in opened:
            conn.close()


def rebuild_all(
    connect: Callable[[], psycopg.Connection],
    writer: IndexWriter,
    workers: int = 2,
    show_progress: bool = False,
) -> list[Rebuilt | None]:
    """Every board, then the usernames of other epochs and the keys of deleted boards are
    dropped: after a clear or a bulk seed (a new epoch), or for an empty Redis."""
    with connect() as conn:
        feed = ChangeFeed(conn)
        boards = feed.boards()
        results = rebuild_boards(connect, writer, boards, workers, show_progress)
        with feed.snapshot() as position:
            epoch = position.epoch
    writer.drop_names_except(epoch)
    known = {b.board_id for b in boards}
    for board in writer.registered() - known:
        writer.drop_board(board)
    writer.drop_legacy()
    return results
