"""What web and the top-10 builder read from the index: a board's published definition, ranks,
pages and windows of a board-period (each one Lua call, usernames included), cached top 10s
and bridge heartbeats. Reads never write, so the web app's Redis user may be read-only."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import redis

from leaderboard import redisconn
from leaderboard.heartbeat import Heartbeat
from leaderboard.index import encoding
from leaderboard.index.keys import Keys
from leaderboard.index.scripts import Script

GLOBAL = "global"


class IndexUnavailable(Exception):
    """The board's index is missing (never built, Redis restarted empty, flushed)."""


@dataclass(frozen=True)
class Ranked:
    rank: int | None  # None: the player has no entry in the board-period
    user_id: int
    total_score: int
    username: str | None = None


@dataclass(frozen=True)
class BoardView:
    """A board as its meta describes it to readers (published by the bridge)."""

    board: str
    tie: str
    period: str
    period_end: int | None
    oldest: int | None
    periods: frozenset[str] = frozenset()  # the periods the index holds sets for

    def current(self, now: float | None = None) -> str:
        """The current period's key, also after a reset the bridge has not published yet."""
        start = encoding.period_start(self.period)
        return encoding.current_period(start, self.period_end, now)


class IndexReader:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.redis = client
        self.keys = keys
        # a cluster keeps usernames in other slots than a board's: the scripts get no names
        # prefix there and the names are read in a second round trip (_with_names)
        self.cluster = redisconn.clustered(client)
        self._rank = Script(client, "rank")
        self._page = Script(client, "page")

    def _names_arg(self, keys: Keys) -> str:
        return "" if self.cluster else keys.names_prefix

    def _names(self, wanted: list[tuple[Keys, Any, int]]) -> list[Any]:
        """Usernames of (keys, epoch, user id) in one pipeline (in a cluster, one request per
        node that holds some)."""
        pipe = self.redis.pipeline(transaction=False)
        for keys, epoch, user_id in wanted:
            bucket, slot = encoding.name_slot(user_id)
            pipe.hget(keys.names(_text(epoch), bucket), slot)
        return pipe.execute()

    def _with_name(self, reply: list, user_id: int, keys: Keys) -> list:
        """A rank script's reply with the username read here, in a cluster."""
        if not self.cluster or _text(reply[0]) == "missing":
            return reply
        reply = list(reply)
        at = 1 if _text(reply[0]) == "absent" else 3
        reply[at] = self._names([(keys, reply[at + 1], user_id)])[0] or False
        return reply

    def _with_names(self, reply: list, keys_of_row: Callable[[int], Keys]) -> list:
        """A page script's reply with the usernames read here, in a cluster."""
        if not self.cluster or _text(reply[0]) != "ok":
            return reply
        reply = list(reply)
        flat, epochs, earliest = reply[3], reply[6], _text(reply[5]) == "earliest"
        users = [encoding.user_of(_text(flat[i]), earliest) for i in range(0, len(flat), 2)]
        wanted = [
            (keys_of_row(n), epochs[n] if len(epochs) > 1 else epochs[0], user)
            for n, user in enumerate(users)
        ]
        reply[4] = [name or False for name in self._names(wanted)] if wanted else []
        return reply

    def board(self, board: str) -> BoardView | None:
        """None when the board has no index (yet)."""
        return _view(board, [self.redis.hgetall(self.keys.board_meta(board))])

    def rank(
        self, user_id: int, board: str = GLOBAL, period: str = encoding.ALL_TIME
    ) -> Ranked | None:
        """A player's rank, value and username (None if the index lacks the name) in a
        board-period. A player the index knows (its username is there) but who has no entry
        in this period gets rank None and value 0, as lb.player_rank answers; None when the
        index cannot tell (no entry and no name: unknown, or new and not yet propagated)."""
        reply = self._rank(
            self._read_keys(board, period),
            [encoding.encode_user(user_id), self._names_arg(self.keys)],
        )
        return self._ranked_one(self._with_name(reply, user_id, self.keys), user_id, board)

    @staticmethod
    def _ranked_one(reply: list, user_id: int, board: str) -> Ranked | None:
        status = _text(reply[0])
        if status == "missing":
            raise IndexUnavailable(board)
        if status == "absent":
            if len(reply) < 2 or not reply[1]:
                return None
            return Ranked(rank=None, user_id=user_id, total_score=0, username=_text(reply[1]))
        name = reply[3] if len(reply) > 3 and reply[3] else None
        return Ranked(
            rank=int(reply[2]),
            user_id=user_id,
            total_score=encoding.value_of(reply[1]),
            username=_text(name) if name is not None else None,
        )

    def page(
        self, limit: int, offset: int = 0, board: str = GLOBAL, period: str = encoding.ALL_TIME
    ) -> list[Ranked]:
        reply = self._page(
            self._read_keys(board, period), [offset, limit, "", self._names_arg(self.keys)]
        )
        return self._ranked(self._with_names(reply, lambda _: self.keys), board) or []

    def around(
        self, user_id: int, radius: int, board: str = GLOBAL, period: str = encoding.ALL_TIME
    ) -> list[Ranked] | None:
        """The window of 2*radius+1 players centred on one; None if it has no entry."""
        reply = self._page(
            self._read_keys(board, period),
            [0, radius, encoding.encode_user(user_id), self._names_arg(self.keys)],
        )
        return self._ranked(self._with_names(reply, lambda _: self.keys), board)

    def _read_keys(self, board: str, period: str) -> list[str]:
        return [
            self.keys.board_meta(board),
            self.keys.scores(board, period),
            self.keys.ties(board, period),
        ]

    @staticmethod
    def _ranked(reply: list, board: str) -> list[Ranked] | None:
        status = _text(reply[0])
        if status == "missing":
            raise IndexUnavailable(board)
        if status == "absent":
            return None
        start, first_higher, flat, names = int(reply[1]), int(reply[2]), reply[3], reply[4]
        earliest = _text(reply[5]) == "earliest"
        out: list[Ranked] = []
        rank = first_higher + 1
        previous: str | None = None
        for i in range(0, len(flat), 2):
            member, score = _text(flat[i]), _text(flat[i + 1])
            position = start + i // 2
            if earliest:
                rank = position + 1  # every entry has its own rank
            elif previous is not None and score != previous:
                rank = position + 1  # a new value starts a tie group: rank = its position
            previous = score
            name = names[i // 2] if i // 2 < len(names) else None
            out.append(
                Ranked(
                    rank=rank,
                    user_id=encoding.user_of(member, earliest),
                    total_score=encoding.value_of(score),
                    username=_text(name) if name else None,
                )
            )
        return out

    def cached_top10(self, board: str = GLOBAL) -> dict[str, Any] | None:
        """The cached top 10, or None when there is none, or none that reads as one (the
        bridge's next build then writes it again, and reads go to the live path meanwhile;
        a corrupt cache used to fail every read of it and every build after it)."""
        raw = self.redis.get(self.keys.top10(board))
        if not raw:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(value, dict) or not isinstance(value.get("data"), list):
            return None
        return value

    def heartbeats(self, fresh_within_s: float) -> list[Heartbeat]:
        """The latest heartbeat of every bridge seen in the last `fresh_within_s` seconds."""
        ids = self.redis.zrangebyscore(self.keys.bridges, time.time() - fresh_within_s, "+inf")
        if not ids:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for bridge_id in ids:
            pipe.hgetall(self.keys.bridge(_text(bridge_id)))
        return [Heartbeat.from_fields(fields) for fields in pipe.execute() if fields]


class ShardedIndexReader(IndexReader):
    """Ranks, pages and windows of a sharded deployment's index: every shard's part of a
    board-period (Keys.shard) read and merged in one Lua call, so the answers equal one
    set's (rank_sharded.lua, page_sharded.lua). `keys` may be any shard's: its prefix is
    what counts; the cached top 10 and heartbeats are shared."""

    def __init__(self, client: redis.Redis, keys: Keys, shards: int) -> None:
        super().__init__(client, keys)
        self.shards = [keys.for_shard(k) for k in range(shards)]
        self._rank = Script(client, "rank_sharded")
        self._page = Script(client, "page_sharded")

    def owner(self, user_id: int) -> int:
        """The shard that owns a player: ids on shard k of n are (id - 1) % n = k."""
        return (user_id - 1) % len(self.shards)

    def _all_keys(self, board: str, period: str) -> list[str]:
        keys: list[str] = []
        for shard in self.shards:
            keys += [
                shard.board_meta(board),
                shard.scores(board, period),
                shard.ties(board, period),
            ]
        return keys

    def rank(
        self, user_id: int, board: str = GLOBAL, period: str = encoding.ALL_TIME
    ) -> Ranked | None:
        owner = self.shards[self.owner(user_id)]
        reply = self._rank(
            self._all_keys(board, period),
            [owner.shard + 1, encoding.encode_user(user_id), self._names_arg(owner)],
        )
        return self._ranked_one(self._with_name(reply, user_id, owner), user_id, board)

    def page(
        self, limit: int, offset: int = 0, board: str = GLOBAL, period: str = encoding.ALL_TIME
    ) -> list[Ranked]:
        names = [self._names_arg(k) for k in self.shards]
        reply = self._page(self._all_keys(board, period), [offset, limit, "", "", *names])
        return self._ranked(self._with_names(reply, self._row_keys(reply)), board) or []

    def around(
        self, user_id: int, radius: int, board: str = GLOBAL, period: str = encoding.ALL_TIME
    ) -> list[Ranked] | None:
        names = [self._names_arg(k) for k in self.shards]
        reply = self._page(
            self._all_keys(board, period),
            [0, radius, encoding.encode_user(user_id), self.owner(user_id) + 1, *names],
        )
        return self._ranked(self._with_names(reply, self._row_keys(reply)), board)

    def board(self, board: str) -> BoardView | None:
        """The board as its shard parts' metas describe it (one round trip: they share the
        board's slot). The bridges of a sharded deployment keep b:{board}:s<k>:meta, never
        b:{board}:meta; a board whose view came from PostgreSQL instead needed every shard,
        so one shard down failed every board read (issue 23)."""
        pipe = self.redis.pipeline(transaction=False)
        for shard in self.shards:
            pipe.hgetall(shard.board_meta(board))
        return _view(board, pipe.execute())

    def _row_keys(self, reply: list) -> Callable[[int], Keys]:
        """Row n's shard keys, from page_sharded.lua's per-row shard numbers (1-based)."""
        shards = reply[7] if len(reply) > 7 else []
        return lambda n: self.shards[int(shards[n]) - 1]


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _view(board: str, metas: list[dict]) -> BoardView | None:
    """A board as its meta(s) describe it: one node's, or every shard part's of a sharded
    deployment, of which any one that has been built describes the board (the definition is
    the same on every shard; the periods the index holds are those of any part, and a reset
    one part has published and another not yet is the newest)."""
    views = []
    for raw in metas:
        meta = {_text(k): _text(v) for k, v in raw.items()}
        if "cursor" not in meta:
            continue
        views.append(
            BoardView(
                board=board,
                tie=meta.get("tie") or "shared",
                period=meta.get("period") or encoding.ALL_TIME,
                period_end=int(meta["period_end"]) if meta.get("period_end") else None,
                oldest=int(meta["oldest"]) if meta.get("oldest") else None,
                periods=frozenset(k[2:] for k in meta if k.startswith("n:")),
            )
        )
    if not views:
        return None
    newest = max(views, key=lambda v: encoding.period_start(v.period) or 0)
    return replace(newest, periods=frozenset().union(*(v.periods for v in views)))
