"""A board's index rebuilt from one PostgreSQL snapshot and swapped in atomically.

Every entry of the board is streamed with COPY from a REPEATABLE READ snapshot into temporary
keys (which expire if the rebuilder dies), then one Lua call renames them into place together
with the snapshot as the board's new cursor. Readers see the old index or the new one, never
a half-built one. Writes committed during the rebuild are newer than its snapshot, so the
next catch-up reads them. Other boards are not touched. A per-board Redis lock keeps two
processes from rebuilding the same board at once (correctness does not depend on it).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from leaderboard.feed import BoardSpec, ChangeFeed
from leaderboard.index.writer import IndexWriter

REBUILD_LOCK_MS = 120_000


@dataclass(frozen=True)
class Rebuilt:
    board: str
    members: int
    seconds: float
    cursor: str
    epoch: int


def rebuild_board(feed: ChangeFeed, writer: IndexWriter, board: BoardSpec) -> Rebuilt | None:
    """Rebuild one board; None when another process holds its rebuild lock, or when the board
    no longer exists (its keys are removed)."""
    token = uuid.uuid4().hex
    lock = writer.keys.rebuild_lock(board.board_id)
    if not writer.redis.set(lock, token, nx=True, px=REBUILD_LOCK_MS):
        return None
    started = time.monotonic()
    try:
        with feed.snapshot() as position:
            # the definition as of the snapshot the entries are read at, so the board epoch
            # installed with them is theirs
            current = {b.board_no: b for b in feed.boards()}.get(board.board_no)
            if current is None or current.board_id != board.board_id:
                writer.drop_board(board.board_id)
                return None
            counts = writer.load(current, token, position.epoch, feed.entries(current.board_no))
            writer.install(current, token, position.snapshot, position.epoch, counts)
    finally:
        writer.release_lock(lock, token)
    return Rebuilt(
        board=board.board_id,
        members=sum(counts.values()),
        seconds=time.monotonic() - started,
        cursor=position.snapshot,
        epoch=position.epoch,
    )


def rebuild_all(feed: ChangeFeed, writer: IndexWriter) -> list[Rebuilt | None]:
    """Every board, then the usernames of other epochs and the keys of deleted boards are
    dropped: after a clear or a bulk seed (a new epoch), or for an empty Redis."""
    boards = feed.boards()
    results = [rebuild_board(feed, writer, board) for board in boards]
    with feed.snapshot() as position:
        epoch = position.epoch
    writer.drop_names_except(epoch)
    known = {b.board_id for b in boards}
    for board in writer.registered() - known:
        writer.drop_board(board)
    writer.drop_legacy()
    return results
