"""Every Redis key and channel name of the project, built from templates in one place.

A board's keys carry its id in braces, a Redis Cluster hash tag: all keys of one board live
in one slot (its Lua scripts touch several of them), and different boards spread over the
slots. Nothing else in the product, the tests or the benchmarks writes a key literal.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PREFIX = "lb:v1:"


@dataclass(frozen=True)
class Keys:
    prefix: str = DEFAULT_PREFIX

    # -- one board ---------------------------------------------------------------------------

    def board(self, board: str) -> str:
        """The common start of a board's keys; Lua scripts append period names to it."""
        return f"{self.boards_prefix}{{{board}}}:"

    @property
    def boards_prefix(self) -> str:
        """What every board's keys start with (for ACL key patterns)."""
        return f"{self.prefix}b:"

    def board_meta(self, board: str) -> str:
        return f"{self.board(board)}meta"

    def scores(self, board: str, period: str) -> str:
        return f"{self.board(board)}{period}"

    def ties(self, board: str, period: str) -> str:
        return f"{self.board(board)}{period}:t"

    def top10(self, board: str) -> str:
        return f"{self.board(board)}top10"

    def rebuild_lock(self, board: str) -> str:
        return f"{self.board(board)}rebuild:lock"

    def rebuilds(self, board: str) -> str:
        """How many rebuilds of the board are running (a counter that expires if they die);
        while it is above zero the web app journals its echoes of submits."""
        return f"{self.board(board)}rebuild:count"

    def journal(self, board: str) -> str:
        """The web app's echoes of submits while a rebuild runs, replayed by its install."""
        return f"{self.board(board)}rebuild:journal"

    def building(self, board: str, token: str) -> str:
        """The prefix of a rebuild's temporary keys: building:<token>:<period>[:t]."""
        return f"{self.board(board)}building:{token}:"

    # -- shared ------------------------------------------------------------------------------

    @property
    def boards(self) -> str:
        """Set of the board ids that have keys, so keys of deleted boards can be found."""
        return f"{self.prefix}boards"

    def names(self, epoch: int, bucket: str) -> str:
        return f"{self.prefix}names:{epoch}:{bucket}"

    @property
    def names_prefix(self) -> str:
        return f"{self.prefix}names:"

    @property
    def top10_lock(self) -> str:
        """One top-10 build per refresh interval, for every board, however many bridges."""
        return f"{self.prefix}top10:lock"

    @property
    def top10_builds(self) -> str:
        return f"{self.prefix}top10:builds"

    @property
    def events(self) -> str:
        """Pub/sub channel of top-10 events; each event names its board."""
        return f"{self.prefix}events"

    def bridge(self, bridge_id: str) -> str:
        return f"{self.prefix}bridge:{bridge_id}"

    @property
    def bridges(self) -> str:
        return f"{self.prefix}bridges"

    @property
    def ratelimit(self) -> str:
        """The prefix flask-limiter's counters live under (the web user may write only these)."""
        return f"{self.prefix}ratelimit"

    def legacy(self) -> list[str]:
        """The single-board layout's keys (before boards), removed by a full rebuild."""
        return [f"{self.prefix}scores", f"{self.prefix}meta", f"{self.prefix}top10"]
