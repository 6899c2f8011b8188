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
    # A shard of several (lb.shard_info) keeps its part of each board under keys of its own,
    # inside the board's hash tag: b:{board}:s<shard>:..., so a rank can sum the shards' sets
    # in one Lua call and a rebuild of one shard's part never touches another's. Its
    # usernames and list of boards are its own too. None: one node, the layout as it was.
    shard: int | None = None

    def for_shard(self, shard: int | None) -> Keys:
        return Keys(self.prefix, shard)

    @property
    def _part(self) -> str:
        return "" if self.shard is None else f"s{self.shard}:"

    # -- one board ---------------------------------------------------------------------------

    def board(self, board: str) -> str:
        """The common start of a board's keys (this shard's part of it); Lua scripts append
        period names to it."""
        return f"{self.boards_prefix}{{{board}}}:{self._part}"

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
        """One cache for the whole board, whichever shard's bridge builds it."""
        return f"{self.boards_prefix}{{{board}}}:top10"

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
        return f"{self.prefix}{self._part}boards"

    def names(self, epoch: int, bucket: str) -> str:
        return f"{self.names_prefix}{epoch}:{bucket}"

    @property
    def names_prefix(self) -> str:
        return f"{self.prefix}names:{self._part}"

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
