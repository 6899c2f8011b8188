"""One catch-up step: bring every board's index from its cursor to PostgreSQL's snapshot.

Each board's index carries its own cursor (see leaderboard.index). A step
  - reloads the board list when its version moved, and every `verify_every_s` re-reads each
    board's state from Redis: a board whose index is missing, from another epoch or board
    generation, or lost members is rebuilt alone; a deleted board's keys are removed; periods
    past their retention are dropped; definitions readers need are published;
  - reads the entries changed since the boards' cursors (one statement: since the cursor they
    share, or since a snapshot older than all of them after a rebuild set one apart) and
    writes each board's absolute values with a compare-and-set on its cursor. A board that
    another bridge moved first is re-read and caught up on the next step.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import psycopg

from bridge.status import Status
from leaderboard import logs
from leaderboard.feed import BoardSpec, Change, ChangeFeed, Position, oldest_of
from leaderboard.index.rebuild import rebuild_board, rebuild_boards
from leaderboard.index.writer import Apply, IndexWriter, published_fields

log = logs.get("bridge")

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class SyncResult:
    applied: int
    position: Position | None
    rebuilt: bool = False


class Syncer:
    """Keeps each board's cursor as last read or written, so an idle poll touches only
    PostgreSQL (one statement); Redis's state is re-read every `verify_every_s` (the safety
    poll interval), which notices an index that vanished or lost members even when nothing
    changes, and whenever a write is refused."""

    def __init__(
        self,
        feed: ChangeFeed,
        writer: IndexWriter,
        status: Status,
        verify_every_s: float = 1.0,
        connect: Callable[[], psycopg.Connection] | None = None,
    ) -> None:
        """`connect` opens more connections for rebuilding several boards at once (after a
        flush or a clear); without it they are rebuilt one after another on the feed's."""
        self.feed = feed
        self.connect = connect
        self.writer = writer
        self.status = status
        self.verify_every_s = verify_every_s
        self.boards: dict[str, BoardSpec] = {}
        self.cursors: dict[str, str] = {}
        self.version: int | None = None
        self.epoch: int | None = None
        self._verified_at: float | None = None

    def sync_once(self) -> SyncResult:
        rebuilt = False
        for _ in range(MAX_ATTEMPTS):
            if (
                self._verified_at is None
                or time.monotonic() - self._verified_at >= self.verify_every_s
            ):
                rebuilt |= self.verify()
            if not self.cursors:
                return SyncResult(0, None, rebuilt)
            position, changes = self.feed.poll(oldest_of(list(self.cursors.values())))
            if position.boards_version != self.version or position.epoch != self.epoch:
                self._verified_at = None  # boards or epoch moved: reload, rebuild, then read
                continue
            if not changes and len(set(self.cursors.values())) == 1:
                self.status.synced()
                return SyncResult(0, position, rebuilt)
            applied = self._apply(position, changes)
            if applied is not None:
                return SyncResult(applied, position, rebuilt)
        # other bridges kept moving the cursors; they are doing the work, we retry next poll
        return SyncResult(0, None, rebuilt)

    def _apply(self, position: Position, changes: list[Change]) -> int | None:
        by_board: dict[int, list[Change]] = defaultdict(list)
        for change in changes:
            by_board[change.board_no].append(change)
        parts = [
            Apply(board, self.cursors[board.board_id], by_board.get(board.board_no, []))
            for board in self.boards.values()
            if board.board_id in self.cursors
        ]
        outcomes = self.writer.apply(position.epoch, position.snapshot, parts)
        applied, stamps, retry = 0, [], False
        for part in parts:
            board = part.board.board_id
            outcome = outcomes.get(board, "ok")
            if outcome == "ok":
                self.cursors[board] = position.snapshot
                applied += len(part.changes)
                stamps.extend(c.updated_at for c in part.changes)
            else:
                # moved (another bridge wrote first), missing or epoch: re-read the states
                # and rebuild what needs it, then read again
                log.debug("retry_sync", board=board, outcome=outcome)
                self.cursors.pop(board, None)
                self._verified_at = None
                retry = True
        self.status.record_changes(stamps)
        if applied >= 1000:
            log.info("caught_up", changes=applied)
        return None if retry and not applied else applied

    def verify(self) -> bool:
        """Reload the boards and compare each board's index with them; rebuild, drop, prune
        and publish what needs it. True if any board was rebuilt."""
        with self.feed.snapshot() as position:
            boards = self.feed.boards()  # the list as of the version and epoch it is read with
        first = self.epoch is None
        epoch_moved = self.epoch is not None and position.epoch != self.epoch
        self.boards = {b.board_id: b for b in boards}
        self.version, self.epoch = position.boards_version, position.epoch
        unreadable = dict(self.feed.unreadable)
        if set(unreadable) != set(self.status.unreadable_boards):
            for board, problem in unreadable.items():
                log.warning("board_unreadable", board=board, problem=problem)
            self.status.set(unreadable_boards=tuple(sorted(unreadable)))
        states = self.writer.states(self.boards)
        to_rebuild: list[tuple[BoardSpec, str]] = []
        for board in boards:
            state = states[board.board_id]
            if state is None:
                reason = "missing"
            elif state.epoch != position.epoch:
                reason = "epoch"
            elif state.board_no != board.board_no or state.board_epoch != board.board_epoch:
                reason = "board_changed"
            elif not state.consistent:
                reason = "lost_members"
            else:
                self.cursors[board.board_id] = state.cursor
                stale = [p for p in state.counts if not board.readable(p)]
                if stale:
                    self.writer.prune(board.board_id, stale)
                    log.info("pruned", board=board.board_id, periods=len(stale))
                if state.published != published_fields(board):
                    self.writer.publish(board)
                continue
            self.cursors.pop(board.board_id, None)
            to_rebuild.append((board, reason))
        if len(to_rebuild) > 1 and self.connect is not None:
            results = rebuild_boards(self.connect, self.writer, [b for b, _ in to_rebuild])
        else:
            results = [rebuild_board(self.feed, self.writer, b) for b, _ in to_rebuild]
        for (board, reason), result in zip(to_rebuild, results, strict=True):
            if result is None:
                continue  # another process is rebuilding it; the next verify picks it up
            self.cursors[board.board_id] = result.cursor
            self.status.record_rebuild(result.members, result.seconds, reason)
            log.info(
                "rebuilt",
                board=board.board_id,
                members=result.members,
                seconds=round(result.seconds, 2),
                reason=reason,
            )
        for gone in self.writer.registered() - set(self.boards) - set(unreadable):
            self.writer.drop_board(gone)
            self.cursors.pop(gone, None)
            log.info("dropped_board", board=gone)
        for gone in set(self.cursors) - set(self.boards):
            self.cursors.pop(gone)
        if first or epoch_moved:
            # ids are reused after a clear: names of another epoch must not label anyone
            self.writer.drop_names_except(position.epoch)
            self.writer.drop_legacy()
        self._verified_at = time.monotonic()
        return bool(to_rebuild)
