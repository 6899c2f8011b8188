"""A project-local Redis Cluster on loopback: `masters` masters with one replica each, made of
ordinary project-local servers (ops.redis_server) in cluster mode, joined with
`redis-cli --cluster create`. A master killed is replaced by its replica after the node
timeout, which is what the failover test does."""

from __future__ import annotations

import random
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis

from ops import packages
from ops.redis_server import LocalRedis

NODE_TIMEOUT_MS = 2000


@dataclass
class LocalRedisCluster:
    root: Path
    ports: list[int]
    nodes: list[LocalRedis] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.nodes = [
            LocalRedis(
                root=self.root / str(port),
                port=port,
                extra_args=[
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    str(NODE_TIMEOUT_MS),
                    # replicas sync at once, and one that lost its master may always take
                    # over (a replica not synced yet would otherwise refuse to)
                    "--repl-diskless-sync-delay",
                    "0",
                    "--cluster-replica-validity-factor",
                    "0",
                ],
            )
            for port in self.ports
        ]

    def url(self) -> str:
        """REDIS_URL for it: the redis+cluster scheme names one node to start from."""
        return f"redis+cluster://127.0.0.1:{self.ports[0]}/0"

    @property
    def port(self) -> int:
        return self.ports[0]

    def running(self) -> bool:
        return all(node.running() for node in self.nodes)

    def start(self) -> bool:
        """Start the nodes and join them; False if it was already running."""
        if self.running():
            return False
        for node in self.nodes:
            node.start()
        cli = packages.ensure_program("redis-cli", "redis-tools")
        if self._state() != "ok":
            subprocess.run(
                [
                    cli,
                    "--cluster",
                    "create",
                    *[f"127.0.0.1:{p}" for p in self.ports],
                    "--cluster-replicas",
                    "1",
                    "--cluster-yes",
                ],
                check=True,
                capture_output=True,
            )
        self.wait_ok()
        self.wait_replicas()
        return True

    def wait_replicas(self, timeout: float = 60.0) -> None:
        """Until every replica's link to its master is up (synced)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            links = []
            for node in self.nodes:
                client = redis.Redis(port=node.port, socket_timeout=2)
                try:
                    info = client.info("replication")
                finally:
                    client.close()
                if info.get("role") == "slave":
                    links.append(info.get("master_link_status") == "up")
            if links and all(links):
                return
            time.sleep(0.1)
        raise TimeoutError("the Redis cluster's replicas did not sync")

    def _state(self, port: int | None = None) -> str:
        try:
            client = redis.Redis(port=port or self.ports[0], socket_timeout=2)
            info = client.execute_command("CLUSTER INFO")
            client.close()
        except redis.RedisError:
            return "down"
        if isinstance(info, dict):  # redis-py parses the reply
            return str(info.get("cluster_state", "unknown"))
        text = info.decode() if isinstance(info, bytes) else str(info)
        for line in text.splitlines():
            if line.startswith("cluster_state:"):
                return line.split(":", 1)[1].strip()
        return "unknown"

    def wait_ok(self, timeout: float = 60.0, port: int | None = None) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._state(port) == "ok":
                return
            time.sleep(0.1)
        raise TimeoutError("the Redis cluster did not reach cluster_state:ok")

    def masters(self) -> list[LocalRedis]:
        """The nodes that are masters now (a failover changes which)."""
        found = []
        for node in self.nodes:
            if not node.running():
                continue
            client = redis.Redis(port=node.port, socket_timeout=2)
            try:
                if client.info("replication").get("role") == "master":
                    found.append(node)
            finally:
                client.close()
        return found

    def stop(self) -> None:
        for node in self.nodes:
            node.kill()


def free_ports(count: int) -> list[int]:
    """Loopback ports for cluster nodes: each free with its bus port (+10000) free too. Both
    below Linux's ephemeral range (32768 up), where any outgoing connection may take a port
    between our check and the node's bind (a bus port of 40000 was, in one test run)."""

    def free(port: int) -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) != 0

    found: list[int] = []
    while len(found) < count:
        port = random.randint(10_000, 22_000)  # noqa: S311 -- not a secret
        if port not in found and free(port) and free(port + 10_000):
            found.append(port)
    return found


def temporary(ports: list[int]) -> LocalRedisCluster:
    root = Path(tempfile.mkdtemp(prefix="lb-redis-cluster-", dir="/tmp"))
    return LocalRedisCluster(root=root, ports=ports)
