"""What the bridge writes into the index: compare-and-set applies of changed entries, bulk
loads into temporary keys with an atomic install, published board definitions, pruning,
and the usernames shared by every board."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import redis

from leaderboard.feed import BoardSpec, Change
from leaderboard.index import encoding, scripts
from leaderboard.index.keys import Keys
from leaderboard.index.scripts import Script

# (user_id, value, tie_us or None, username or None), as ChangeFeed.entry_batches
Entry = tuple[int, int, int | None, str | None]

# Lua's unpack() is limited to ~8000 values; an entry takes two in ZADD (score, member)
APPLY_CHUNK = 2500
TEMP_KEY_TTL_MS = 15 * 60 * 1000
LOAD_BATCH = 5000


@dataclass(frozen=True)
class BoardState:
    """One board's index as Redis holds it."""

    cursor: str
    epoch: int
    board_no: int
    board_epoch: int
    tie: str
    counts: dict[str, int]  # period -> members, as the applies counted them
    sizes: dict[str, int] = field(default_factory=dict)  # period -> ZCARD
    published: dict[str, str] = field(default_factory=dict)

    @property
    def consistent(self) -> bool:
        """False when part of the index vanished behind our back (a deleted key, eviction)."""
        return all(self.sizes.get(p, 0) == n for p, n in self.counts.items())


@dataclass(frozen=True)
class Apply:
    """One board's part of an apply: its changes and the cursors to move between."""

    board: BoardSpec
    expected: str
    changes: Sequence[Change]


class IndexWriter:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.redis = client
        self.keys = keys
        self._apply = Script(client, "apply")
        self._install = Script(client, "install")
        self._publish = Script(client, "publish")
        self._prune = Script(client, "prune")
        self._release = Script(client, "release_lock")
        self._end_rebuild = Script(client, "end_rebuild")

    # -- state -------------------------------------------------------------------------------

    def states(self, boards: Iterable[str]) -> dict[str, BoardState | None]:
        """Every board's state in two round trips: the metas, then the size of each set."""
        boards = list(boards)
        pipe = scripts.pipeline(self.redis)
        for board in boards:
            pipe.hgetall(self.keys.board_meta(board))
        metas = [{_text(k): _text(v) for k, v in m.items()} for m in pipe.execute()]
        states: dict[str, BoardState | None] = {}
        for board, meta in zip(boards, metas, strict=True):
            if "cursor" not in meta:
                states[board] = None
                continue
            counts = {k[2:]: int(v) for k, v in meta.items() if k.startswith("n:")}
            states[board] = BoardState(
                cursor=meta["cursor"],
                epoch=int(meta.get("epoch", -1)),
                board_no=int(meta.get("board_no", -1)),
                board_epoch=int(meta.get("board_epoch", -1)),
                tie=meta.get("tie", "shared"),
                counts=counts,
                published={k: v for k, v in meta.items() if k in PUBLISHED},
            )
        pipe = scripts.pipeline(self.redis)
        order = [(b, p) for b, s in states.items() if s is not None for p in s.counts]
        for board, period in order:
            pipe.zcard(self.keys.scores(board, period))
        sizes = pipe.execute() if order else []
        for (board, period), size in zip(order, sizes, strict=True):
            state = states[board]
            assert state is not None
            state.sizes[period] = int(size)
        return states

    def registered(self) -> set[str]:
        """Boards that have (or had) keys: the index's list, for removing deleted boards."""
        return {_text(b) for b in self.redis.smembers(self.keys.boards)}

    # -- incremental writes ------------------------------------------------------------------

    def apply(self, epoch: int, new_cursor: str, parts: Sequence[Apply]) -> dict[str, str]:
        """Write each board's absolute values if its index is still at `expected`, and move
        its cursor to `new_cursor`; one round trip for small batches. Returns per board 'ok',
        'moved' (another writer advanced or rebuilt it: re-read and retry), 'missing' or
        'epoch' (rebuild it). Only a board's last chunk moves its cursor, so a partial write
        is an early, idempotent part of the next attempt. Usernames go first, outside the
        compare-and-set: they never change within an epoch, so writing one again is harmless.
        """
        calls: list[tuple[str, list[str], list[Any]]] = []
        for part in parts:
            board = part.board
            chunks = [
                part.changes[i : i + APPLY_CHUNK] for i in range(0, len(part.changes), APPLY_CHUNK)
            ] or [[]]
            for number, chunk in enumerate(chunks, start=1):
                args: list[Any] = [
                    self.keys.board(board.board_id),
                    part.expected,
                    new_cursor if number == len(chunks) else "",
                    epoch,
                    board.board_no,
                    board.board_epoch,
                ]
                by_period: dict[str, list[Any]] = {}
                for change in chunk:
                    tie = "" if change.tie_us is None else encoding.tie_part(change.tie_us)
                    by_period.setdefault(change.period, []).extend(
                        (-change.value, tie, encoding.encode_user(change.user_id))
                    )
                for period, triples in by_period.items():
                    args += [period, len(triples) // 3, *triples]
                calls.append((board.board_id, [self.keys.board_meta(board.board_id)], args))

        def send() -> list[Any]:
            pipe = scripts.pipeline(self.redis)
            self.write_names(pipe, epoch, (c for p in parts for c in p.changes))
            for _, keys, args in calls:
                self._apply.queue(pipe, keys, args)
            return pipe.execute(raise_on_error=False)

        replies = send()
        if any(isinstance(r, redis.exceptions.NoScriptError) for r in replies):
            # Redis restarted or SCRIPT FLUSH: names are idempotent, and a board whose first
            # chunk failed did not move its cursor, so every call can simply run again
            self._apply.ensure()
            replies = send()
        outcomes: dict[str, str] = {}
        for (board, _, _), reply in zip(calls, replies[len(replies) - len(calls) :], strict=True):
            if isinstance(reply, Exception):
                raise reply
            outcome = _text(reply)
            if outcomes.get(board, "ok") == "ok":
                outcomes[board] = outcome
        return outcomes

    def write_names(self, pipe: Any, epoch: int, rows: Iterable[Change]) -> None:
        """HSET the usernames given; None means the index already has it (the change feed
        sends names only for entries new since the cursor)."""
        buckets: dict[str, list[str]] = {}
        for change in rows:
            if change.username is None:
                continue
            bucket, slot = encoding.name_slot(change.user_id)
            buckets.setdefault(bucket, []).extend((slot, change.username))
        for bucket, pairs in buckets.items():
            pipe.execute_command("HSET", self.keys.names(epoch, bucket), *pairs)

    # -- rebuilds ----------------------------------------------------------------------------

    def load(
        self,
        board: BoardSpec,
        token: str,
        epoch: int,
        batches: Iterable[tuple[str, list[Entry]]],
    ) -> dict[str, int]:
        """Pipelined multi-member ZADDs into a board's temporary keys (they expire if we die
        midway), and the usernames that come with entries, of `epoch`, straight into place
        (they are immutable). Entries come in batches of one period each, in user_id order
        (ChangeFeed.entry_batches), so each username bucket is filled with one HSET.
        Returns the members loaded per period. Written for speed (5.9M entries of four
        boards in one rebuild): comprehensions over each batch, no object per entry, and
        Redis works through one chunk while the next is built."""
        temp = self.keys.building(board.board_id, token)
        self.redis.sadd(self.keys.boards, board.board_id)
        counts: dict[str, int] = {}
        pipe = scripts.pipeline(self.redis)
        enc, tie_part = encoding.encode_user, encoding.tie_part
        queued = 0
        sender = _Sender()
        for period, rows in batches:
            counts[period] = counts.get(period, 0) + len(rows)
            users = [enc(r[0]) for r in rows]
            if rows[0][2] is None:
                members = users
            else:
                ties = [tie_part(r[2]) for r in rows]
                members = [t + u for t, u in zip(ties, users, strict=True)]
                hset = [x for pair in zip(users, ties, strict=True) for x in pair]
                pipe.execute_command("HSET", temp + period + ":t", *hset)
                pipe.pexpire(temp + period + ":t", TEMP_KEY_TTL_MS)
            zadd = [x for r, m in zip(rows, members, strict=True) for x in (-r[1], m)]
            pipe.execute_command("ZADD", temp + period, *zadd)
            pipe.pexpire(temp + period, TEMP_KEY_TTL_MS)
            if rows[0][3] is not None:
                self._load_names(pipe, epoch, users, [r[3] for r in rows])
            queued += len(rows)
            if queued >= 20 * LOAD_BATCH:
                sender.send(pipe)
                pipe = scripts.pipeline(self.redis)
                queued = 0
        sender.send(pipe)
        sender.finish()
        return counts

    def _load_names(self, pipe: Any, epoch: int, users: list[str], names: list[str]) -> None:
        """Usernames of entries in user_id order: one HSET per bucket of 62 consecutive ids."""
        bucket: str | None = None
        args: list[str] = []
        for user, name in zip(users, names, strict=True):
            if user[:-1] != bucket:
                if args:
                    pipe.execute_command("HSET", self.keys.names(epoch, bucket), *args)
                bucket, args = user[:-1], []
            args.append(user[-1])
            args.append(name)
        if args:
            pipe.execute_command("HSET", self.keys.names(epoch, bucket), *args)

    def install(
        self,
        board: BoardSpec,
        token: str,
        cursor: str,
        epoch: int,
        counts: Mapping[str, int],
    ) -> int:
        """Swap a fully loaded board in atomically (RENAME) with the cursor it reflects."""
        args: list[Any] = [
            self.keys.board(board.board_id),
            self.keys.building(board.board_id, token),
            len(counts),
        ]
        for period, members in counts.items():
            args += [period, members]
        fields = {
            "cursor": cursor,
            "epoch": epoch,
            "board_no": board.board_no,
            "board_epoch": board.board_epoch,
            "tie": board.tie_break,
            "built_at": f"{time.time():.3f}",
            **published_fields(board),
        }
        for name, value in fields.items():
            args += [name, value]
        keys = [
            self.keys.board_meta(board.board_id),
            self.keys.rebuilds(board.board_id),
            self.keys.journal(board.board_id),
        ]
        return int(self._install(keys, args))

    def begin_rebuild(self, board: str) -> None:
        """Count a rebuild of the board as running, before its snapshot is taken: from here
        on the web app journals its echoes of submits, which the install replays (a submit
        answered after this point may be newer than the snapshot). The count expires with the
        temporary keys if the rebuilder dies."""
        pipe = scripts.pipeline(self.redis)
        pipe.incr(self.keys.rebuilds(board))
        pipe.pexpire(self.keys.rebuilds(board), TEMP_KEY_TTL_MS)
        pipe.execute()

    def abandon_rebuild(self, board: str) -> None:
        """A rebuild that will not install: uncount it (install does that itself)."""
        self._end_rebuild([self.keys.rebuilds(board), self.keys.journal(board)], [])

    def publish(self, board: BoardSpec) -> bool:
        """Refresh the definition and current period readers find in the board's meta."""
        flat: list[Any] = []
        for name, value in published_fields(board).items():
            flat += [name, value]
        return bool(self._publish([self.keys.board_meta(board.board_id)], flat))

    def prune(self, board: str, periods: Sequence[str]) -> None:
        """Drop periods that are no longer readable."""
        if periods:
            self._prune([self.keys.board_meta(board)], [self.keys.board(board), *periods])

    def drop_board(self, board: str) -> None:
        """Remove every key of a board (deleted in PostgreSQL)."""
        self._prune([self.keys.board_meta(board)], [self.keys.board(board)])
        self.redis.delete(self.keys.rebuilds(board), self.keys.journal(board))
        self.redis.srem(self.keys.boards, board)

    def drop_names_except(self, epoch: int) -> int:
        """Remove usernames of other epochs (after a clear, ids are reused)."""
        keep = self.keys.names(epoch, "")
        stale = [
            k
            for k in self.redis.scan_iter(match=f"{self.keys.names_prefix}*", count=1000)
            if not _text(k).startswith(keep)
        ]
        for i in range(0, len(stale), 1000):
            self.redis.unlink(*stale[i : i + 1000])
        return len(stale)

    def drop_legacy(self) -> None:
        """The single-board layout's keys, left by an older version: its index, and its
        username buckets, named by decimal id // 100 where encoded buckets start with a
        letter."""
        self.redis.unlink(*self.keys.legacy())
        stale = [
            k
            for k in self.redis.scan_iter(match=f"{self.keys.names_prefix}*", count=1000)
            if _text(k).rsplit(":", 1)[-1].isdigit()
        ]
        for i in range(0, len(stale), 1000):
            self.redis.unlink(*stale[i : i + 1000])

    def release_lock(self, key: str, token: str) -> bool:
        """Compare-and-delete: only the holder's token releases a lock."""
        return bool(self._release([key], [token]))


class _Sender:
    """Runs one pipeline at a time in a thread of its own, so Redis works through one chunk
    of a load while the next is built (waiting for Redis's replies took a third of a 3.4M
    entry rebuild). Pipelines are sent in order, and an error stops the load."""

    def __init__(self) -> None:
        self._pending: threading.Thread | None = None
        self._error: BaseException | None = None

    def send(self, pipe: Any) -> None:
        self._wait()

        def run() -> None:
            try:
                pipe.execute()
            except BaseException as exc:  # raised in the loading thread by _wait
                self._error = exc

        self._pending = threading.Thread(target=run, name="index-load", daemon=True)
        self._pending.start()

    def finish(self) -> None:
        self._wait()

    def _wait(self) -> None:
        if self._pending is not None:
            self._pending.join()
            self._pending = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error


# what readers find in a board's meta besides the index's own state
PUBLISHED = ("board_id", "aggregate", "reset", "game_mode", "period", "period_end", "oldest")


def published_fields(board: BoardSpec) -> dict[str, str]:
    return {
        "board_id": board.board_id,
        "aggregate": board.aggregate,
        "reset": board.reset,
        "game_mode": board.game_mode or "",
        "period": encoding.period_key(board.current_start),
        "period_end": "" if board.current_end is None else str(board.current_end),
        "oldest": "" if board.oldest_start is None else str(board.oldest_start),
    }


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
