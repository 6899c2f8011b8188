"""The Redis rank index: key layout, member encoding, atomic writes (bridge) and reads (web).

Layout, under a versioned prefix (default `lb:v1:`):
  scores   sorted set, one member per ranked player, score = -total
  meta     hash: cursor (the pg_snapshot the index reflects), epoch, players, built_at
  top10    JSON of the cached top 10, rebuilt by the bridge every refresh interval

Why score = -total and length-prefixed members: Redis orders a sorted set by (score, member
bytes). With score = -total the natural order is total descending, and a member of the form
chr(ord('a') + len(digits) - 1) + digits sorts like the integer it encodes, so ties come out by
user_id ascending: exactly the SQL ranking rule, with no re-sorting of tie groups (which can
hold hundreds of thousands of players at total 0). The competition rank of a total t is
1 + ZCOUNT(scores, -inf, (-t): O(log N).

The cursor lives in `meta`, written in the same Lua call as the scores it describes, so the
index and its cursor can never disagree: if Redis loses the index it loses the cursor too,
and the bridge rebuilds. Each write is a compare-and-set on the cursor, so any number of
bridges can write and the result is the same as one bridge's.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import redis

MAX_TOTAL = 2**53 - 1
# Lua's unpack() is limited to ~8000 values; each member takes two (score, member).
APPLY_CHUNK = 3000
TEMP_KEY_TTL_MS = 15 * 60 * 1000


def encode_member(user_id: int) -> str:
    digits = str(user_id)
    return chr(ord("a") + len(digits) - 1) + digits


def decode_member(member: str | bytes) -> int:
    if isinstance(member, bytes):
        member = member.decode()
    return int(member[1:])


def total_of(score: float | str) -> int:
    return -int(float(score))


@dataclass(frozen=True)
class IndexState:
    cursor: str
    epoch: int
    players: int
    built_at: float
    cardinality: int

    @property
    def consistent(self) -> bool:
        """False when part of the index vanished behind our back (e.g. a deleted key)."""
        return self.players == self.cardinality


@dataclass(frozen=True)
class Ranked:
    rank: int
    user_id: int
    total_score: int
    username: str | None = None


def name_slot(user_id: int) -> tuple[str, str]:
    """(bucket, field) of a player's username: id // 100 and id % 100. Buckets of at most 100
    fields stay in Redis's compact listpack encoding. The read scripts find the same slot
    from the member's decimal digits (all but the last two, and those two as a number),
    because Lua's numbers are doubles and cannot divide a large bigint exactly."""
    return str(user_id // 100), str(user_id % 100)


class IndexUnavailable(Exception):
    """The index is missing (never built, Redis restarted empty, flushed) or being rebuilt."""


_APPLY = """
local cursor = redis.call('HGET', KEYS[2], 'cursor')
if not cursor then return 'missing' end
if cursor ~= ARGV[1] then return 'moved' end
if redis.call('HGET', KEYS[2], 'epoch') ~= ARGV[3] then return 'epoch' end
if #ARGV > 3 then
  -- LT: a total only ever grows, so a higher -total is stale and never overwrites
  local added = redis.call('ZADD', KEYS[1], 'LT', unpack(ARGV, 4))
  if added > 0 then redis.call('HINCRBY', KEYS[2], 'players', added) end
end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[2], 'cursor', ARGV[2]) end
return 'ok'
"""

_INSTALL = """
if redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('RENAME', KEYS[3], KEYS[1])
  redis.call('PERSIST', KEYS[1])
else
  redis.call('DEL', KEYS[1])
end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'cursor', ARGV[1], 'epoch', ARGV[2], 'players', ARGV[3],
           'built_at', ARGV[4])
return redis.call('ZCARD', KEYS[1])
"""

# Reads run as scripts so that each answer, username included, comes from one instant of the
# index in one round trip. `name` mirrors name_slot() on the member's digits.
_NAME = """
local function name(prefix, epoch, member)
  local d = string.sub(member, 2)
  local bucket = '0'
  if #d > 2 then bucket = string.sub(d, 1, -3) end
  local field = tostring(tonumber(string.sub(d, -2)))
  return redis.call('HGET', prefix .. 'names:' .. epoch .. ':' .. bucket, field)
end
"""

_RANK = (
    _NAME
    + """
local epoch = redis.call('HGET', KEYS[2], 'epoch')
if not epoch then return {'missing'} end
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not s then return {'absent'} end
return {'ok', s, redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. s), name(ARGV[2], epoch, ARGV[1])}
"""
)

_PAGE = (
    _NAME
    + """
local epoch = redis.call('HGET', KEYS[2], 'epoch')
if not epoch then return {'missing'} end
local start, stop
if ARGV[3] ~= '' then
  local r = redis.call('ZRANK', KEYS[1], ARGV[3])
  if not r then return {'absent'} end
  start = math.max(0, r - tonumber(ARGV[2]))
  stop = r + tonumber(ARGV[2])
else
  start = tonumber(ARGV[1])
  stop = start + tonumber(ARGV[2]) - 1
end
local rows = redis.call('ZRANGE', KEYS[1], start, stop, 'WITHSCORES')
local higher = 0
if #rows > 0 then higher = redis.call('ZCOUNT', KEYS[1], '-inf', '(' .. rows[2]) end
local names = {}
for i = 1, #rows, 2 do names[#names + 1] = name(ARGV[4], epoch, rows[i]) end
return {'ok', start, higher, rows, names}
"""
)

_RELEASE_LOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RankIndex:
    def __init__(self, client: redis.Redis, prefix: str = "lb:v1:") -> None:
        self.redis = client
        self.prefix = prefix
        self.scores_key = f"{prefix}scores"
        self.meta_key = f"{prefix}meta"
        self.top10_key = f"{prefix}top10"
        self.top10_lock_key = f"{prefix}top10:lock"
        self.top10_builds_key = f"{prefix}top10:builds"
        self.rebuild_lock_key = f"{prefix}rebuild:lock"
        self.events_channel = f"{prefix}events"
        self.bridge_key_prefix = f"{prefix}bridge:"
        self.bridges_key = f"{prefix}bridges"
        self._apply = client.register_script(_APPLY)
        self._install = client.register_script(_INSTALL)
        self._rank = ReadScript(client, _RANK)
        self._page = ReadScript(client, _PAGE)
        self._release = client.register_script(_RELEASE_LOCK)

    # -- bridge side -----------------------------------------------------------------------

    def state(self) -> IndexState | None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.hgetall(self.meta_key)
        pipe.zcard(self.scores_key)
        meta, cardinality = pipe.execute()
        meta = {_text(k): _text(v) for k, v in meta.items()}
        if "cursor" not in meta or "epoch" not in meta:
            return None
        return IndexState(
            cursor=meta["cursor"],
            epoch=int(meta["epoch"]),
            players=int(meta.get("players", -1)),
            built_at=float(meta.get("built_at", 0)),
            cardinality=int(cardinality),
        )

    def apply(
        self,
        expected_cursor: str,
        new_cursor: str | None,
        epoch: int,
        totals: Sequence[tuple[int, int, str | None]],
    ) -> str:
        """Write absolute totals (user_id, total, username) if the index is still at
        `expected_cursor` (compare-and-set).

        Returns 'ok', 'moved' (another writer advanced or rebuilt it: re-read and retry),
        'missing' or 'epoch' (rebuild). Only the last chunk moves the cursor, so a partial
        write is just an early, idempotent part of the next attempt. Usernames are written
        first, outside the compare-and-set: they never change within an epoch, so writing
        one again, or early, is harmless.
        """
        chunks = [totals[i : i + APPLY_CHUNK] for i in range(0, len(totals), APPLY_CHUNK)] or [[]]
        for number, chunk in enumerate(chunks, start=1):
            args: list[Any] = [
                expected_cursor,
                (new_cursor or "") if number == len(chunks) else "",
                str(epoch),
            ]
            for user_id, total, _ in chunk:
                args += [-total, encode_member(user_id)]
            outcome = _text(self._run_apply(epoch, chunk, args))
            if outcome != "ok":
                return outcome
        return "ok"

    def _run_apply(
        self, epoch: int, chunk: Sequence[tuple[int, int, str | None]], args: list[Any]
    ) -> Any:
        """The names and the compare-and-set in one round trip. EVALSHA directly, not
        redis-py's pipelined Script, which sends SCRIPT EXISTS first: a second round trip on
        every poll (13% of the bridge's time at 8k changes/s, by py-spy)."""

        def send() -> Any:
            keys = [self.scores_key, self.meta_key]
            pipe = self.redis.pipeline(transaction=False)
            self._write_names(pipe, epoch, chunk)
            pipe.evalsha(self._apply.sha, len(keys), *keys, *args)
            return pipe.execute()[-1]

        try:
            return send()
        except redis.exceptions.NoScriptError:
            # Redis restarted or SCRIPT FLUSH, as ReadScript handles; names are idempotent
            self.redis.script_load(_APPLY)
            return send()

    def names_key(self, epoch: int, bucket: str) -> str:
        return f"{self.prefix}names:{epoch}:{bucket}"

    def _write_names(
        self, pipe: Any, epoch: int, rows: Iterable[tuple[int, int, str | None]]
    ) -> None:
        """HSET the usernames given; None means the index already has it (an existing
        player: the change feed sends names only for players new since the cursor)."""
        buckets: dict[str, list[str]] = {}
        for user_id, _, username in rows:
            if username is None:
                continue
            bucket, field = name_slot(user_id)
            buckets.setdefault(bucket, []).extend((field, username))
        for bucket, pairs in buckets.items():
            pipe.execute_command("HSET", self.names_key(epoch, bucket), *pairs)

    def drop_names_except(self, epoch: int) -> int:
        """Remove usernames of other epochs (after a clear, ids are reused)."""
        keep = f"{self.prefix}names:{epoch}:"
        stale = [
            k
            for k in self.redis.scan_iter(match=f"{self.prefix}names:*", count=1000)
            if not _text(k).startswith(keep)
        ]
        for i in range(0, len(stale), 1000):
            self.redis.unlink(*stale[i : i + 1000])
        return len(stale)

    def new_temp_key(self, token: str) -> str:
        key = f"{self.prefix}scores:building:{token}"
        self.redis.delete(key)
        return key

    def load(
        self, temp_key: str, epoch: int, totals: Iterable[tuple[int, int, str]], batch: int = 5000
    ) -> int:
        """Pipelined multi-member ZADDs into a temporary key (it expires if we die midway),
        and the usernames of `epoch` straight into place (they are immutable). Rows in
        user_id order (ChangeFeed.everything) fill each username bucket with one HSET."""
        count = 0
        pipe = self.redis.pipeline(transaction=False)
        args: list[Any] = []
        names: list[tuple[int, int, str]] = []
        pending = 0
        for user_id, total, username in totals:
            args += [-total, encode_member(user_id)]
            names.append((user_id, total, username))
            count += 1
            if len(args) >= 2 * batch:
                pipe.execute_command("ZADD", temp_key, *args)
                self._write_names(pipe, epoch, names)
                args, names = [], []
                pending += 1
                if pending >= 20:
                    pipe.pexpire(temp_key, TEMP_KEY_TTL_MS)
                    pipe.execute()
                    pending = 0
        if args:
            pipe.execute_command("ZADD", temp_key, *args)
            self._write_names(pipe, epoch, names)
        pipe.pexpire(temp_key, TEMP_KEY_TTL_MS)
        pipe.execute()
        return count

    def install(self, temp_key: str, cursor: str, epoch: int, players: int) -> int:
        """Swap a fully built index in atomically (RENAME) with the cursor it reflects."""
        return int(
            self._install(
                keys=[self.scores_key, self.meta_key, temp_key],
                args=[cursor, str(epoch), str(players), f"{time.time():.3f}"],
            )
        )

    def release_lock(self, key: str, token: str) -> bool:
        """Compare-and-delete: only the holder's token releases a lock."""
        return bool(self._release(keys=[key], args=[token]))

    # -- read side (web, top-10 builder) ---------------------------------------------------

    def rank(self, user_id: int) -> Ranked | None:
        """A ranked player's rank, total and username (None if the index lacks the name);
        None if the player has no total in the index."""
        reply = self._rank(
            keys=[self.scores_key, self.meta_key], args=[encode_member(user_id), self.prefix]
        )
        status = _text(reply[0])
        if status == "missing":
            raise IndexUnavailable
        if status == "absent":
            return None
        name = reply[3] if len(reply) > 3 and reply[3] else None
        return Ranked(
            rank=int(reply[2]) + 1,
            user_id=user_id,
            total_score=total_of(reply[1]),
            username=_text(name) if name is not None else None,
        )

    def page(self, limit: int, offset: int = 0) -> list[Ranked]:
        reply = self._page(
            keys=[self.scores_key, self.meta_key], args=[offset, limit, "", self.prefix]
        )
        return self._ranked(reply) or []

    def around(self, user_id: int, radius: int) -> list[Ranked] | None:
        """The window of 2*radius+1 players centred on one; None if it is not ranked."""
        reply = self._page(
            keys=[self.scores_key, self.meta_key],
            args=[0, radius, encode_member(user_id), self.prefix],
        )
        return self._ranked(reply)

    @staticmethod
    def _ranked(reply: list) -> list[Ranked] | None:
        status = _text(reply[0])
        if status == "missing":
            raise IndexUnavailable
        if status == "absent":
            return None
        start, first_higher, flat, names = int(reply[1]), int(reply[2]), reply[3], reply[4]
        out: list[Ranked] = []
        rank = first_higher + 1
        previous: str | None = None
        for i in range(0, len(flat), 2):
            member, score = _text(flat[i]), _text(flat[i + 1])
            position = start + i // 2
            # a score that differs from the previous row starts a tie group: rank = position + 1
            if previous is not None and score != previous:
                rank = position + 1
            previous = score
            name = names[i // 2] if i // 2 < len(names) else None
            out.append(
                Ranked(
                    rank=rank,
                    user_id=decode_member(member),
                    total_score=total_of(score),
                    username=_text(name) if name else None,
                )
            )
        return out

    def heartbeats(self, fresh_within_s: float) -> list[dict[str, str]]:
        """The latest heartbeat of every bridge seen in the last `fresh_within_s` seconds."""
        ids = self.redis.zrangebyscore(self.bridges_key, time.time() - fresh_within_s, "+inf")
        if not ids:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for bridge_id in ids:
            pipe.hgetall(self.bridge_key_prefix + _text(bridge_id))
        beats = [{_text(k): _text(v) for k, v in fields.items()} for fields in pipe.execute()]
        return [b for b in beats if b]

    def cached_top10(self) -> dict[str, Any] | None:
        raw = self.redis.get(self.top10_key)
        return json.loads(raw) if raw else None


class ReadScript:
    """A read-only Lua script, run with EVALSHA_RO: plain EVALSHA declares its keys
    read-write, which an ACL user with read-only access to the index (the web app) may not
    use. The `no-writes` flag also lets it run on replicas."""

    def __init__(self, client: redis.Redis, body: str) -> None:
        self.client = client
        self.body = "#!lua flags=no-writes\n" + body.lstrip()
        self.sha = hashlib.sha1(self.body.encode()).hexdigest()  # noqa: S324 - Redis's script id

    def __call__(self, keys: list[str], args: list[Any]) -> Any:
        try:
            return self.client.evalsha_ro(self.sha, len(keys), *keys, *args)
        except redis.exceptions.NoScriptError:
            self.client.script_load(self.body)
            return self.client.evalsha_ro(self.sha, len(keys), *keys, *args)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
