"""The bridge's continuous check of its own index (issue 13): every sample interval, a random
sample of each board's current period, drawn from the index (ZRANDMEMBER), is compared with
PostgreSQL (lb.read_entries), as `leaderboard verify` compares a whole board. A difference
on an entry that did not change in the last second is looked at once more a second later;
if it stays, it is counted as a mismatch and the board's index is rebuilt. Members missing
from the index are the syncer's count check's to find (a period's ZCARD against its meta).
The count of mismatches and the time of the last check go out in the heartbeat, so /health
and /metrics show them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import psycopg
import redis

from bridge.status import Status
from leaderboard import logs
from leaderboard.feed import BoardSpec, ChangeFeed
from leaderboard.index import encoding
from leaderboard.index.keys import Keys
from leaderboard.index.rebuild import rebuild_board
from leaderboard.index.writer import IndexWriter
from leaderboard.integrity import Verifier

log = logs.get("bridge.sampler")
SETTLE_S = 1.0


class Sampler:
    def __init__(
        self,
        connect: Callable[[], psycopg.Connection],
        writer: IndexWriter,
        status: Status,
        *,
        boards: Callable[[], list[BoardSpec]],
        size: int,
    ) -> None:
        self.connect = connect
        self.redis: redis.Redis = writer.redis
        self.keys: Keys = writer.keys
        self.writer = writer
        self.status = status
        self.boards = boards
        self.size = size

    def check(self) -> int:
        """One round over every board; returns the mismatches found (and repaired)."""
        found = 0
        with self.connect() as conn:
            verifier = Verifier(lambda: conn, self.redis, self.keys, settle_s=SETTLE_S)
            for spec in self.boards():
                wrong = self._check_board(conn, verifier, spec)
                if wrong:
                    found += wrong
                    log.warning("sample_mismatch", board=spec.board_id, players=wrong)
                    rebuilt = rebuild_board(ChangeFeed(conn), self.writer, spec)
                    if rebuilt is not None:
                        self.status.record_rebuild(rebuilt.members, rebuilt.seconds, "sample")
        self.status.record_sample(found)
        return found

    def _check_board(self, conn: psycopg.Connection, verifier: Verifier, spec: BoardSpec) -> int:
        key = spec.current_period()
        earliest = spec.tie_break == "earliest"
        members = self.redis.zrandmember(self.keys.scores(spec.board_id, key), self.size)
        if not members:
            return 0
        users = sorted({encoding.user_of(m, earliest) for m in members})
        suspects = [
            f["user_id"]
            for f in verifier.compare_players(conn, spec, key, users, earliest)
            if not f["changed_recently"]
        ]
        if not suspects:
            return 0
        time.sleep(SETTLE_S)  # a write that landed between the two reads is not drift
        return sum(
            1
            for f in verifier.compare_players(conn, spec, key, suspects, earliest)
            if not f["changed_recently"]
        )
