"""A short-lived view of the health of PostgreSQL, Redis and the bridges, for /health and for
the flags on read responses (README "Degraded modes")."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import psycopg
import redis

from leaderboard import redisconn
from leaderboard.clock import iso
from leaderboard.errors import LeaderboardError
from leaderboard.heartbeat import Heartbeat
from leaderboard.index.reader import IndexReader

HEALTH_TTL_S = 1.0
BRIDGE_FRESH_S = 5.0


@dataclass
class HealthReport:
    db: bool
    redis: bool
    bridge: dict[str, Any] = field(default_factory=dict)
    checked_at: float = field(default_factory=time.time)
    # a sharded deployment: each shard, {"shard", "up"[, "problem"]} (empty on one node)
    shards: list[dict[str, Any]] = field(default_factory=list)
    # a Redis Cluster: each node, {"node", "role", "up"[, "slots"]} (empty on one server)
    redis_nodes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def bridge_ok(self) -> bool:
        return bool(self.bridge.get("ok"))

    @property
    def shards_down(self) -> list[int]:
        return [s["shard"] for s in self.shards if not s["up"]]

    @property
    def down(self) -> list[str]:
        """The failed checks, by the names of /health's `checks` (and each shard down)."""
        failed = [
            name
            for name, ok in (("db", self.db), ("redis", self.redis), ("bridge", self.bridge_ok))
            if not ok
        ]
        return failed + [f"shard_{n}" for n in self.shards_down]

    @property
    def warnings(self) -> list[str]:
        """Not down, but one failure from it: a Redis Cluster node down while the cluster
        still serves every slot (a replica took over, or a replica itself is gone)."""
        if not self.redis:
            return []
        return [f"redis_node {n['node']} is down" for n in self.redis_nodes if not n["up"]]

    @property
    def mode(self) -> str:
        """Which degraded mode is on (README "Degraded modes")."""
        down = [
            name
            for name, ok in (
                ("postgres", self.db),
                ("shard", not (self.db and self.shards_down)),
                ("redis", self.redis),
                ("bridge", self.bridge_ok),
            )
            if not ok
        ]
        return "normal" if not down else "_".join(down) + "_down"

    @property
    def possibly_stale(self) -> bool:
        """Redis-served reads may lag PostgreSQL: nothing is feeding (part of) the index."""
        return not (self.db and self.bridge_ok and not self.shards_down)


class HealthMonitor:
    def __init__(
        self,
        connection: Callable[[], AbstractContextManager[psycopg.Connection]],
        redis_client: redis.Redis,
        index: IndexReader,
        shards: int = 1,
    ) -> None:
        self.connection = connection
        self.redis = redis_client
        self.index = index
        self.shards = shards
        self._lock = threading.Lock()
        self._refreshing = threading.Lock()
        self._report: HealthReport | None = None

    def current(self) -> HealthReport:
        """A report about HEALTH_TTL_S old at most, for flags on read responses. One thread
        refreshes it; the others keep answering with the previous report meanwhile (when
        every request thread checked at once, the herd added up to 100 ms to 15% of reads)."""
        report = self._report
        if report is not None and time.time() - report.checked_at <= HEALTH_TTL_S:
            return report
        if report is None:
            return self.check()
        if not self._refreshing.acquire(blocking=False):
            return report
        try:
            return self.check()
        finally:
            self._refreshing.release()

    def mark_db_down(self) -> None:
        report = self._report
        if report is not None:
            report.db = False

    def check(self) -> HealthReport:
        db, shards = self._db()
        report = HealthReport(db=db, redis=False, shards=shards)
        try:
            if redisconn.clustered(self.redis):
                report.redis_nodes = cluster_nodes(self.redis)
                report.redis = cluster_serves(self.redis)
            else:
                self.redis.ping()
                report.redis = True
            report.bridge = self.bridge_summary(self.heartbeats())
        except redis.RedisError:
            report.redis = False
            report.bridge = {"ok": False, "reason": "redis unavailable: bridge state unknown"}
        with self._lock:
            self._report = report
        return report

    def _db(self) -> tuple[bool, list[dict[str, Any]]]:
        """Whether the database answers, and on a sharded deployment each shard (the proxy
        answering says nothing about the shards behind it)."""
        try:
            with self.connection() as conn:
                if self.shards == 1:
                    conn.execute("select 1")
                    return True, []
                rows = conn.execute("select shard, up, problem from lb.shard_status()").fetchall()
        except (LeaderboardError, psycopg.Error):
            return False, []
        return True, [
            {"shard": shard, "up": up, **({"problem": problem} if problem else {})}
            for shard, up, problem in rows
        ]

    def heartbeats(self) -> list[Heartbeat]:
        """The heartbeats of the bridges alive now (raises redis.RedisError)."""
        now = time.time()
        return [
            b
            for b in self.index.heartbeats(BRIDGE_FRESH_S)
            if now - b.heartbeat_at <= BRIDGE_FRESH_S
        ]

    @staticmethod
    def bridge_summary(beats: list[Heartbeat]) -> dict[str, Any]:
        """/health's bridge section: the most recently synced working bridge speaks for all."""
        if not beats:
            return {"ok": False, "bridges": 0, "reason": "no bridge heartbeat in the last 5 s"}
        working = [b for b in beats if b.working]
        best = max(working or beats, key=lambda b: b.last_sync_at)
        return {
            "ok": bool(working),
            "bridges": len(beats),
            "mode": best.mode,
            "lag_p50_ms": _rounded(best.lag_p50_ms),
            "lag_p99_ms": _rounded(best.lag_p99_ms),
            "lag_max_ms": _rounded(best.lag_max_ms),
            "last_sync_at": _iso(best.last_sync_at),
            "last_catch_up_at": _iso(best.last_catch_up_at),
            "last_catch_up_changes": best.last_catch_up_changes,
            "changes_total": best.changes_total,
            "rebuilds_total": best.rebuilds_total,
            # the sampling check (bridge.sampler), over every live bridge
            "sample_mismatches_total": sum(b.sample_mismatches_total for b in beats),
            "last_sample_at": _iso(max((b.last_sample_at for b in beats), default=0.0)),
            # boards no bridge can feed: PostgreSQL cannot compute their periods (the bridge
            # logs why); every other board is fed as usual
            "unreadable_boards": sorted(
                {board for b in beats for board in b.unreadable_boards.split(",") if board}
            ),
        }


def cluster_nodes(client: Any) -> list[dict[str, Any]]:
    """Every node of a Redis Cluster as any node that answers sees it: its role, whether it
    is up (connected, not marked failing), and a master's slot count."""
    seen: dict[str, dict[str, Any]] | None = None
    for node in [None, *client.get_nodes()]:
        try:
            seen = (
                client.cluster_nodes()
                if node is None
                else client.execute_command("CLUSTER NODES", target_nodes=node)
            )
            break
        except redis.RedisError:
            continue
    if seen is None:
        raise redis.ConnectionError("no node of the cluster answers")
    nodes = []
    for address, info in seen.items():
        flags = set(str(info.get("flags", "")).split(","))
        role = "master" if "master" in flags else "replica"
        entry: dict[str, Any] = {
            "node": address.split("@")[0],
            "role": role,
            "up": bool(info.get("connected")) and not flags & {"fail", "fail?", "noaddr"},
        }
        if role == "master":
            entry["slots"] = sum(int(r[-1]) - int(r[0]) + 1 for r in info.get("slots") or [])
        nodes.append(entry)
    return sorted(nodes, key=lambda n: (n["role"] != "master", n["node"]))


def cluster_serves(client: Any) -> bool:
    """Whether the cluster serves every slot (cluster_state:ok), as a node that answers says:
    a master that failed and whose replica took over leaves it serving."""
    for node in [None, *client.get_nodes()]:
        try:
            info = client.cluster_info() if node is None else client.cluster_info(target_nodes=node)
        except redis.RedisError:
            continue
        return str(info.get("cluster_state", "")) == "ok"
    return False


def _rounded(ms: float | None) -> float | None:
    return None if ms is None else round(ms, 2)


def _iso(epoch: float) -> str | None:
    return iso(epoch) if epoch > 0 else None
