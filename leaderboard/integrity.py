"""`leaderboard verify`: check every board, and repair what drifted.

Two comparisons, both exact and streaming (no board is ever held in memory whole):

- PostgreSQL against its own log, in SQL (lb.verify_board): every entry of the readable
  periods against the sum or best the session log implies, every rank-histogram row against
  the entries it counts. One statement, one snapshot: what it finds is drift, never a write
  in flight.
- Redis against PostgreSQL: every entry, read in batches from one snapshot
  (ChangeFeed.entry_batches, as a rebuild reads them), against the index: the member (which
  on 'earliest' boards carries the tie time, and so the order), its score, the tie hash,
  the username; then each period's member count, so members PostgreSQL does not have are
  found too; and the cached top 10 against PostgreSQL's.

The index follows PostgreSQL by a few milliseconds and may be ahead of a snapshot, so a
Redis difference is only a suspect at first: suspects are read again from both sides after
SETTLE_S, and only a difference that stays, on an entry that did not change meanwhile, is
drift. `--repair` runs lb.repair_board and lb.repair_histogram (transactional, safe while
submits run) and rebuilds the index of every board found drifting, then verifies again.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import redis

from leaderboard import logs, progress
from leaderboard.feed import BoardSpec, ChangeFeed
from leaderboard.index import encoding
from leaderboard.index.keys import Keys
from leaderboard.index.reader import IndexReader
from leaderboard.index.rebuild import rebuild_board
from leaderboard.index.writer import IndexWriter

log = logs.get("verify")

SETTLE_S = 2.0  # well past the propagation bound (p99 <= 100 ms; a safety poll is 1 s)
SHOWN = 20  # mismatches kept per board for the report; all are counted
MAX_SUSPECTS = 10_000  # Redis suspects re-checked per board; more are drift anyway
RECHECK_ROUNDS = 3
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


@dataclass
class Mismatch:
    store: str  # "postgres" (against the log) or "redis" (against PostgreSQL)
    kind: str
    board: str
    period: str | None  # the period's start (ISO 8601); None for an all-time board
    user_id: int | None = None
    bucket: int | None = None
    expected: Any = None
    found: Any = None

    def line(self) -> str:
        where = f"{self.board}" + (f" period {self.period}" if self.period else "")
        who = f" player {self.user_id}" if self.user_id is not None else ""
        who += f" bucket {self.bucket}" if self.bucket is not None else ""
        if self.kind == "counted_members":  # Redis against itself: say which is which
            said = f"the board's meta counts {self.found}, the set holds {self.expected}"
        else:
            said = f"expected {self.expected!r}, found {self.found!r}"
        return f"{self.store}: {self.kind} on {where}{who}: {said}"


@dataclass
class BoardResult:
    board: str
    entries: int = 0
    periods: int = 0
    counts: Counter = field(default_factory=Counter)
    shown: list[Mismatch] = field(default_factory=list)
    unsettled: int = 0  # Redis differences on entries that kept changing while we looked
    repaired: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, mismatch: Mismatch) -> None:
        self.counts[f"{mismatch.store}:{mismatch.kind}"] += 1
        if len(self.shown) < SHOWN:
            self.shown.append(mismatch)

    @property
    def drift(self) -> int:
        return sum(self.counts.values())

    @property
    def postgres_drift(self) -> int:
        return sum(n for k, n in self.counts.items() if k.startswith("postgres:"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "board": self.board,
            "entries": self.entries,
            "periods": self.periods,
            "drift": self.drift,
            "counts": dict(self.counts),
            "mismatches": [asdict(m) for m in self.shown],
            "unsettled": self.unsettled,
            "repaired": self.repaired,
            "seconds": round(self.seconds, 2),
        }


def _iso(moment: datetime | int | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, int):
        moment = datetime.fromtimestamp(moment, UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _pg_time(moment: datetime | None) -> str | None:
    """None for an all-time board's one period."""
    return None if moment is None else _iso(moment)


class Verifier:
    def __init__(
        self,
        connect: Callable[[], psycopg.Connection],
        client: redis.Redis,
        keys: Keys,
        *,
        settle_s: float = SETTLE_S,
        show_progress: bool = False,
    ) -> None:
        self.connect = connect
        self.show_progress = show_progress  # a bar per board on a terminal (the CLI)
        self.redis = client
        self.keys = keys
        self.reader = IndexReader(client, keys)
        self.settle_s = settle_s
        # a shard's part of a sharded index (Keys.shard): its members are checked against its
        # database; the cached top 10 is the whole board's, which no one shard can check
        self.check_top10 = keys.shard is None

    # -- the whole run --------------------------------------------------------------------

    def run(
        self, boards: list[str] | None, period: datetime | None, *, repair: bool
    ) -> list[BoardResult]:
        with self.connect() as conn:
            specs = {b.board_id: b for b in ChangeFeed(conn).boards()}
        chosen = boards or sorted(specs)
        results = []
        for board in chosen:
            started = time.monotonic()
            result = self.verify_board(specs[board], period)
            if repair and result.drift:
                result.repaired = self.repair_board(specs[board], period, result)
                again = self.verify_board(specs[board], period)
                again.repaired, result = result.repaired, again
            result.seconds = time.monotonic() - started
            log.debug(  # the command prints the same, as a summary
                "verified",
                board=board,
                entries=result.entries,
                drift=result.drift,
                seconds=round(result.seconds, 2),
            )
            results.append(result)
        return results

    def verify_board(self, spec: BoardSpec, period: datetime | None) -> BoardResult:
        result = BoardResult(spec.board_id)
        with self.connect() as conn:
            for m in self.postgres_against_log(conn, spec.board_id, period):
                result.add(m)
            self.redis_against_postgres(conn, spec, period, result)
        return result

    # -- PostgreSQL against its log ---------------------------------------------------------

    @staticmethod
    def postgres_against_log(
        conn: psycopg.Connection, board: str, period: datetime | None
    ) -> Iterator[Mismatch]:
        with conn.transaction(), conn.cursor(name="lb_verify") as cur:
            cur.execute(
                "select kind, period_start, user_id, bucket, expected, found"
                " from lb.verify_board(%s, %s)",
                (board, period),
            )
            for kind, start, user_id, bucket, expected, found in cur:
                yield Mismatch(
                    "postgres", kind, board, _pg_time(start), user_id, bucket, expected, found
                )

    # -- Redis against PostgreSQL -----------------------------------------------------------

    def redis_against_postgres(
        self,
        conn: psycopg.Connection,
        spec: BoardSpec,
        period: datetime | None,
        result: BoardResult,
    ) -> None:
        view = self.reader.board(spec.board_id)
        if view is None:
            result.add(Mismatch("redis", "index_missing", spec.board_id, None))
            return
        earliest = spec.tie_break == "earliest"
        wanted = None if period is None else encoding.period_key(int(period.timestamp()))
        counts: Counter = Counter()
        suspects: dict[str, list[int]] = {}
        feed = ChangeFeed(conn)
        with feed.snapshot() as position:
            names = spec.board_id == "global"
            batches = progress.batches(
                feed.entry_batches(spec, names=names),
                f"verify {spec.board_id}",
                enabled=self.show_progress,
            )
            for key, rows in batches:
                if wanted is not None and key != wanted:
                    continue
                counts[key] += len(rows)
                for user_id in self._compare_batch(spec, key, rows, earliest, position.epoch):
                    bucket = suspects.setdefault(key, [])
                    if sum(map(len, suspects.values())) < MAX_SUSPECTS:
                        bucket.append(user_id)
                    else:
                        result.add(
                            Mismatch("redis", "entry", spec.board_id, _key_iso(key), user_id)
                        )
        result.entries = sum(counts.values())
        result.periods = len(counts)
        self._recheck(conn, spec, suspects, earliest, result)
        self._check_counts(conn, spec, counts, result, wanted=wanted, earliest=earliest)
        if self.check_top10:
            self._check_top10(conn, spec, result)

    def _compare_batch(
        self, spec: BoardSpec, key: str, rows: list, earliest: bool, epoch: int
    ) -> list[int]:
        """The players of one batch whose index entry differs from PostgreSQL's."""
        members = [encoding.member(r[0], r[2] if earliest else None) for r in rows]
        scores = self.redis.execute_command(
            "ZMSCORE", self.keys.scores(spec.board_id, key), *members
        )
        ties = None
        if earliest:
            users = [encoding.encode_user(r[0]) for r in rows]
            ties = self.redis.hmget(self.keys.ties(spec.board_id, key), users)
        names = None
        if rows and rows[0][3] is not None:
            pipe = self.redis.pipeline(transaction=False)
            for r in rows:
                bucket, slot = encoding.name_slot(r[0])
                pipe.hget(self.keys.names(epoch, bucket), slot)
            names = pipe.execute()
        differ = []
        for i, r in enumerate(rows):
            ok = scores[i] is not None and encoding.value_of(scores[i]) == r[1]
            if ok and ties is not None:
                ok = ties[i] is not None and ties[i].decode() == encoding.tie_part(r[2])
            if ok and names is not None:
                ok = names[i] is not None and names[i].decode() == r[3]
            if not ok:
                differ.append(r[0])
        return differ

    def _recheck(
        self,
        conn: psycopg.Connection,
        spec: BoardSpec,
        suspects: dict[str, list[int]],
        earliest: bool,
        result: BoardResult,
    ) -> None:
        """Suspects again, from both sides, after the propagation bound: drift is what stays
        different on an entry that did not change in between."""
        for _ in range(RECHECK_ROUNDS):
            if not any(suspects.values()):
                return
            time.sleep(self.settle_s)
            still: dict[str, list[int]] = {}
            for key, users in suspects.items():
                for found in self.compare_players(conn, spec, key, users, earliest):
                    if found["changed_recently"]:
                        still.setdefault(key, []).append(found["user_id"])
                    else:
                        result.add(
                            Mismatch(
                                "redis",
                                found["kind"],
                                spec.board_id,
                                _key_iso(key),
                                found["user_id"],
                                expected=found["expected"],
                                found=found["found"],
                            )
                        )
            suspects = still
        result.unsettled += sum(map(len, suspects.values()))

    def compare_players(
        self, conn: psycopg.Connection, spec: BoardSpec, key: str, users: list[int], earliest: bool
    ) -> Iterator[dict[str, Any]]:
        """The players among `users` whose index entry in period `key` differs from
        PostgreSQL's now: kind, expected, found, and whether PostgreSQL's entry changed in the
        last settle_s (then the index may simply not have caught up yet)."""
        start = encoding.period_start(key)
        period = None if start is None else datetime.fromtimestamp(start, UTC)
        rows = conn.execute(
            "select user_id, value, tie_at, username, updated_at from lb.read_entries(%s, %s, %s)",
            (spec.board_no, period, users),
        ).fetchall()
        now = conn.execute("select clock_timestamp()").fetchone()[0]
        meta_epoch = self.redis.hget(self.keys.board_meta(spec.board_id), "epoch")
        epoch = int(meta_epoch) if meta_epoch else 0
        for user_id, value, tie_at, username, updated_at in rows:
            recent = updated_at is not None and (now - updated_at).total_seconds() < self.settle_s
            found = self._index_entry(spec, key, user_id, earliest, epoch)
            tie_us = None
            if earliest and tie_at is not None:
                tie_us = (tie_at - EPOCH) // MICROSECOND  # exact; a float would round
            expected = {"value": value, "tie_us": tie_us}
            if spec.board_id == "global":
                expected["username"] = username
            else:
                found.pop("username", None)
            if value is None:
                expected = {"value": None, "tie_us": None}
                if spec.board_id == "global":
                    expected["username"] = username
                if found["value"] is None:
                    continue
                kind = "extra_member"
            elif found["value"] is None:
                kind = "missing_member"
            elif found == expected:
                continue
            elif found["value"] != value:
                kind = "value"
            elif found["tie_us"] != tie_us:
                kind = "tie"
            else:
                kind = "username"
            yield {
                "user_id": user_id,
                "kind": kind,
                "expected": expected,
                "found": found,
                "changed_recently": recent,
            }

    def _index_entry(
        self, spec: BoardSpec, key: str, user_id: int, earliest: bool, epoch: int
    ) -> dict[str, Any]:
        user = encoding.encode_user(user_id)
        tie_us = None
        member = user
        if earliest:
            tie = self.redis.hget(self.keys.ties(spec.board_id, key), user)
            if tie is not None:
                member = tie.decode() + user
                tie_us = encoding.tie_of(member)
        score = self.redis.zscore(self.keys.scores(spec.board_id, key), member)
        bucket, slot = encoding.name_slot(user_id)
        name = self.redis.hget(self.keys.names(epoch, bucket), slot)
        return {
            "value": None if score is None else encoding.value_of(score),
            "tie_us": tie_us if score is not None else None,
            "username": name.decode() if name is not None else None,
        }

    def _check_counts(
        self,
        conn: psycopg.Connection,
        spec: BoardSpec,
        counts: Counter,
        result: BoardResult,
        *,
        wanted: str | None,
        earliest: bool,
    ) -> None:
        """Members PostgreSQL does not have: a period's set larger than its entries (every
        entry was found in it), or an index period PostgreSQL has no entry in."""
        view = self.reader.board(spec.board_id)
        periods = set(counts) | (set(view.periods) if view else set())
        for key in sorted(periods):
            if wanted is not None and key != wanted:
                continue
            if not spec.readable(key):
                continue
            members = self.redis.zcard(self.keys.scores(spec.board_id, key))
            counted = self.redis.hget(self.keys.board_meta(spec.board_id), f"n:{key}")
            if members and int(counted or 0) != members:
                result.add(
                    Mismatch(
                        "redis",
                        "counted_members",
                        spec.board_id,
                        _key_iso(key),
                        expected=members,
                        found=int(counted or 0),
                    )
                )
            drifted = any(m.store == "redis" and m.period == _key_iso(key) for m in result.shown)
            if members <= counts.get(key, 0) and not drifted:
                continue
            extras = list(self._extra_members(conn, spec, key, earliest))
            settled = [e for e in extras if not e["changed_recently"]]
            if extras and len(settled) < len(extras):
                time.sleep(self.settle_s)  # new entries being written: look again
                extras = list(self._extra_members(conn, spec, key, earliest))
            for extra in extras:
                result.add(
                    Mismatch(
                        "redis",
                        "extra_member",
                        spec.board_id,
                        _key_iso(key),
                        extra["user_id"],
                        expected=None,
                        found=extra["found"],
                    )
                )

    def _extra_members(
        self, conn: psycopg.Connection, spec: BoardSpec, key: str, earliest: bool
    ) -> Iterator[dict[str, Any]]:
        """Members of an index period (ZSCAN, in chunks) whose player has no entry there in
        PostgreSQL."""
        start = encoding.period_start(key)
        period = None if start is None else datetime.fromtimestamp(start, UTC)
        chunk: list[tuple[int, float]] = []

        def flush() -> Iterator[dict[str, Any]]:
            users = [u for u, _ in chunk]
            rows = conn.execute(
                "select user_id, value, updated_at from lb.read_entries(%s, %s, %s)",
                (spec.board_no, period, users),
            ).fetchall()
            known = {u: (v, t) for u, v, t in rows}
            now = conn.execute("select clock_timestamp()").fetchone()[0]
            for user_id, score in chunk:
                value, updated_at = known.get(user_id, (None, None))
                if value is None:
                    yield {
                        "user_id": user_id,
                        "found": {"value": encoding.value_of(score)},
                        "changed_recently": updated_at is not None
                        and (now - updated_at).total_seconds() < self.settle_s,
                    }

        for member, score in self.redis.zscan_iter(
            self.keys.scores(spec.board_id, key), count=5000
        ):
            chunk.append((encoding.user_of(member, earliest), score))
            if len(chunk) >= 5000:
                yield from flush()
                chunk = []
        if chunk:
            yield from flush()

    def _check_top10(self, conn: psycopg.Connection, spec: BoardSpec, result: BoardResult) -> None:
        """The cached top 10 against PostgreSQL's current one; a difference counts only if it
        outlives the next rebuild of the cache (or the cache is not being rebuilt)."""
        cached = self.reader.cached_top10(spec.board_id)
        if cached is None:
            return  # built by a running bridge; none yet is not drift
        for attempt in range(2):
            sql = [
                (row[0], row[1])
                for row in conn.execute(
                    "select user_id, total_score from lb.top_players(10, 0, %s)",
                    (spec.board_id,),
                )
            ]
            mine = [(e["user_id"], e["total_score"]) for e in cached.get("data", [])]
            if mine == sql:
                return
            if attempt == 0:
                interval = cached.get("interval_ms", 10_000) / 1000
                built = cached.get("built_at_ms")
                deadline = time.monotonic() + interval + self.settle_s
                while time.monotonic() < deadline:
                    time.sleep(0.2)
                    fresh = self.reader.cached_top10(spec.board_id)
                    if fresh and fresh.get("built_at_ms") != built:
                        cached = fresh
                        break
                else:
                    result.add(
                        Mismatch(
                            "redis",
                            "top10_stale",
                            spec.board_id,
                            cached.get("period", {}).get("start"),
                            expected=f"rebuilt within {interval:g} s",
                            found=f"built at {cached.get('built_at')}",
                        )
                    )
                    return
        result.add(
            Mismatch(
                "redis",
                "top10",
                spec.board_id,
                cached.get("period", {}).get("start"),
                expected=sql,
                found=mine,
            )
        )

    # -- repair ---------------------------------------------------------------------------

    def repair_board(
        self, spec: BoardSpec, period: datetime | None, result: BoardResult
    ) -> dict[str, int]:
        repaired: dict[str, int] = {}
        if result.counts["redis:top10"] or result.counts["redis:top10_stale"]:
            # readers compute the top 10 from the index without it; a bridge builds a new one
            repaired["top10_cache_dropped"] = self.redis.delete(self.keys.top10(spec.board_id))
        if result.postgres_drift:
            with self.connect() as conn:
                updated, inserted, deleted = conn.execute(
                    "select updated, inserted, deleted from lb.repair_board(%s, %s)",
                    (spec.board_id, period),
                ).fetchone()
                histogram = conn.execute(
                    "select lb.repair_histogram(%s, %s)", (spec.board_id, period)
                ).fetchone()[0]
            repaired.update(
                entries_updated=updated,
                entries_inserted=inserted,
                entries_deleted=deleted,
                histogram_rows=histogram,
            )
        # the index: rebuilt from PostgreSQL (after the SQL repair, which also bumped the
        # board's epoch, so a running bridge would rebuild it too)
        with self.connect() as conn:
            conn.autocommit = True
            feed = ChangeFeed(conn)
            current = {b.board_id: b for b in feed.boards()}.get(spec.board_id, spec)
            writer = IndexWriter(self.redis, self.keys)
            for _ in range(30):
                rebuilt = rebuild_board(feed, writer, current)
                if rebuilt is not None:
                    repaired["index_members"] = rebuilt.members
                    break
                time.sleep(1)  # a bridge is rebuilding it: let it finish, then ours
        return repaired


def _key_iso(key: str) -> str | None:
    start = encoding.period_start(key)
    return None if start is None else _iso(start)


def summary(results: list[BoardResult]) -> str:
    lines = []
    for r in results:
        state = "clean" if not r.drift else f"DRIFT ({r.drift})"
        extra = f", {r.unsettled} still changing" if r.unsettled else ""
        repaired = (
            " repaired: " + ", ".join(f"{k} {v}" for k, v in r.repaired.items())
            if r.repaired
            else ""
        )
        lines.append(
            f"{r.board}: {state}; {r.entries} entries in {r.periods} period(s){extra}, "
            f"{r.seconds:.1f} s.{repaired}"
        )
        for kind, n in sorted(r.counts.items()):
            lines.append(f"  {kind}: {n}")
        lines.extend(f"  - {m.line()}" for m in r.shown)
    return "\n".join(lines)


def as_json(results: list[BoardResult]) -> str:
    return json.dumps(
        {
            "clean": all(not r.drift for r in results),
            "boards": [r.as_dict() for r in results],
        },
        indent=2,
        default=str,
    )
