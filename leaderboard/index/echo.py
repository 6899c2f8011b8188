"""Read-your-writes over HTTP: the web app writes a submit's own values into the index right
after the submit commits and before it answers, with the bridge's never-backwards write
(scripts/remember.lua). A client that reads its rank after the 201 sees the submit, without
waiting for the bridge (tens of milliseconds behind). Nothing the bridge guarantees changes:
the echo moves no cursor, a value never goes backwards whoever writes first, an echo of
another epoch or board is skipped, and echoes made while a rebuild runs are replayed by its
install. Submits made directly in SQL become visible when the bridge applies them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import redis

from leaderboard.index import encoding, scripts
from leaderboard.index.keys import Keys
from leaderboard.index.scripts import Script

# How many echoes a board's journal keeps while a rebuild runs (about 60 bytes each); past
# that, the oldest lose read-your-writes until the bridge applies them, nothing else
JOURNAL_MAX_ENTRIES = 200_000


class Echo:
    def __init__(self, client: redis.Redis, keys: Keys, shards: int = 1) -> None:
        self.redis = client
        self.keys = keys
        # sharded: a player's values go to the part of the index its shard's bridge keeps
        self.shards = shards
        self._remember = Script(client, "remember")

    def write(self, entries: Sequence[dict[str, Any]]) -> dict[str, str]:
        """Write one submit's entries (rows of lb.session_entries) in one round trip: the
        player's value on each board-period it counted on, and its username. Returns per
        board 'ok' or 'skipped' (no index of that epoch and board: the bridge's rebuild
        brings the value)."""
        if not entries:
            return {}

        first = entries[0]
        keys = self.keys
        if self.shards > 1:
            keys = keys.for_shard((first["user_id"] - 1) % self.shards)

        def send() -> list[Any]:
            pipe = scripts.pipeline(self.redis)
            bucket, slot = encoding.name_slot(first["user_id"])
            pipe.hset(keys.names(first["feed_epoch"], bucket), slot, first["username"])
            for entry in entries:
                board = entry["board_id"]
                tie = entry["tie_us"]
                self._remember.queue(
                    pipe,
                    [
                        keys.board_meta(board),
                        keys.rebuilds(board),
                        keys.journal(board),
                    ],
                    [
                        keys.board(board),
                        entry["feed_epoch"],
                        entry["board_no"],
                        entry["board_epoch"],
                        encoding.period_key(entry["period_start"]),
                        -entry["value"],
                        "" if tie is None else encoding.tie_part(tie),
                        encoding.encode_user(entry["user_id"]),
                        JOURNAL_MAX_ENTRIES,
                    ],
                )
            return pipe.execute(raise_on_error=False)

        replies = send()
        if any(isinstance(r, redis.exceptions.NoScriptError) for r in replies):
            self._remember.ensure()  # Redis restarted or SCRIPT FLUSH; every write is idempotent
            replies = send()
        outcomes = {}
        for entry, reply in zip(entries, replies[1:], strict=True):
            if isinstance(reply, Exception):
                raise reply
            outcomes[entry["board_id"]] = reply.decode() if isinstance(reply, bytes) else reply
        return outcomes
