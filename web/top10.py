"""The cached top 10 of each board as the web app serves it: the bridge rebuilds it in Redis
every refresh interval; each process keeps its decoded copy, and the whole response body
serialized once, for up to TOP10_MEMO_S."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from leaderboard.clock import iso
from leaderboard.index.reader import IndexReader
from leaderboard.rules import GLOBAL_BOARD
from web.reads import ReadResult

# The cached top 10 changes once per refresh interval (10 s): each process reuses its decoded
# copy for up to this long instead of a Redis round trip per request. Its 'as_of' is still
# the build time, so answers stay truthful; at most this much older than Redis's copy.
TOP10_MEMO_S = 1.0


class Top10Memo:
    def __init__(self, index: IndexReader, possibly_stale: Callable[[], bool]) -> None:
        self.index = index
        # whether reads must carry the possibly_stale flag (then no cached body fits)
        self.possibly_stale = possibly_stale
        self._top10: dict[str, tuple[float, dict[str, Any] | None, tuple[bytes, bytes]]] = {}

    def cached(self, board: str = GLOBAL_BOARD) -> dict[str, Any] | None:
        return self._memo(board)[1]

    def body(self, board: str = GLOBAL_BOARD, *, original: bool = False) -> bytes | None:
        """The whole answer to a plain GET of a board's top, serialized once per memo period
        (`original`: the shape of the original's /api/leaderboard/top, without board and
        period); None when there is no cache, it is from a period that has ended, or reads
        must carry the possibly_stale flag."""
        _, value, bodies = self._memo(board)
        if value is None or self.possibly_stale():
            return None
        ends = value.get("period", {}).get("end")
        if ends is not None and ends <= iso():
            return None  # built before the board's reset: the live path reads the new period
        return bodies[0] if original else bodies[1]

    def _memo(self, board: str) -> tuple[float, dict[str, Any] | None, tuple[bytes, bytes]]:
        memo = self._top10.get(board)
        if memo is None or time.monotonic() - memo[0] > TOP10_MEMO_S:
            value = self.index.cached_top10(board)
            bodies = (b"", b"")
            if value is not None:
                # the envelope of the live path (Reads.top on a cache hit), built once
                result = ReadResult(
                    value["data"],
                    "redis",
                    as_of=value["built_at"],
                    cached=True,
                    extra={"next_refresh_at": value.get("next_refresh_at")},
                )
                answer: dict[str, Any] = {**result.envelope(), "cached": True}
                described = {
                    **answer,
                    "board": board,
                    "period": value.get("period", {"start": None, "end": None}),
                }
                bodies = (
                    json.dumps(answer, separators=(",", ":")).encode(),
                    json.dumps(described, separators=(",", ":")).encode(),
                )
            memo = (time.monotonic(), value, bodies)
            self._top10[board] = memo
        return memo
