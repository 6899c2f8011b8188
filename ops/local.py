"""The project's own services for `make run`: PostgreSQL and Redis under .var/ (git-ignored)."""

from __future__ import annotations

import os

from leaderboard import config
from leaderboard.config import LocalServices
from ops import redis_acl
from ops.postgres import LocalPostgres, data_root_for
from ops.redis_cluster import LocalRedisCluster
from ops.redis_server import LocalRedis

PROJECT_ROOT = config.PROJECT_ROOT
# where the local servers live; LB_VAR_DIR moves them (a test of `ops run` that must not
# touch a developer's own .var)
VAR = config.var_dir()
DATABASE = "leaderboard"


def record_services(env: dict[str, str]) -> None:
    """Write where the servers just started are (config.local_services), so that commands
    in another terminal find them with nothing set. The record stays when they stop: it says
    where they run when they run (a command then fails with how to start them), and that a
    shell's DATABASE_URL naming them is not another server (`python -m ops up` there starts
    them again)."""
    lines = [f"{key}={env[key]}\n" for key in config.SERVICE_VARIABLES if env.get(key)]
    if lines:
        VAR.mkdir(parents=True, exist_ok=True)
        (VAR / config.SERVICES_FILE).write_text("".join(lines))


def postgres() -> LocalPostgres:
    port = LocalServices.from_env().pg_port
    settings = {"shared_buffers": f"{shared_buffers_mb()}MB"}
    return LocalPostgres(root=data_root_for(VAR), port=port, settings=settings)


PROXY_DATABASE = "leaderboard_proxy"


def shard_postgres(number: int) -> LocalPostgres:
    """Shard `number`'s own cluster (python -m ops up --shards N), on the ports after the main
    cluster's; the main cluster holds the proxy database. Small: a development topology."""
    port = LocalServices.from_env().pg_port + 1 + number
    root = data_root_for(VAR).parent / f"pg-shard{number}"
    return LocalPostgres(root=root, port=port, settings={"shared_buffers": "256MB"})


def initialized_shards() -> list[LocalPostgres]:
    """The shard clusters an earlier `up --shards` created, in order."""
    found = []
    while (cluster := shard_postgres(len(found))).initialized():
        found.append(cluster)
    return found


def shared_buffers_mb() -> int:
    """A quarter of the machine's memory, the usual starting point, from 1 GB to 8 GB. At 1M
    players with four boards the tables and indexes a submit touches come to 2.2 GB, which the
    former fixed 1 GB could not hold."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return max(1024, min(8192, total // 4 // 2**20))


def redis_cluster() -> LocalRedisCluster:
    """3 masters and 3 replicas on LB_REDIS_PORT and the five ports after it (python -m ops up
    --redis-cluster); a cluster node's port must be at most 55535 (its bus is +10000)."""
    base = LocalServices.from_env().redis_port
    return LocalRedisCluster(root=VAR / "redis-cluster", ports=list(range(base, base + 6)))


def redis() -> LocalRedis:
    port = LocalServices.from_env().redis_port
    return LocalRedis(root=VAR / "redis", port=port, acl_passwords=redis_acl.passwords_from_env())
