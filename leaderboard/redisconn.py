"""The one place a Redis client is made from REDIS_URL: a single server (redis://,
rediss://, unix://) or a Redis Cluster (redis+cluster://host:port/, any one node, the client
finds the others; the scheme flask-limiter's storage understands too). Every key a Lua
script is given shares its board's hash tag, so each script runs on one slot; usernames live
in other slots, so in a cluster they are read in a second round trip
(leaderboard.index.reader)."""

from __future__ import annotations

from typing import Any

import redis
from redis.cluster import RedisCluster

CLUSTER_SCHEME = "redis+cluster://"


def is_cluster(url: str) -> bool:
    return url.startswith(CLUSTER_SCHEME)


def connect(url: str, **options: Any) -> redis.Redis:
    if is_cluster(url):
        node_url = "redis://" + url.removeprefix(CLUSTER_SCHEME)
        options.pop("health_check_interval", None)
        return RedisCluster.from_url(node_url, **options)  # type: ignore[return-value]
    return redis.Redis.from_url(url, **options)


def clustered(client: Any) -> bool:
    return isinstance(client, RedisCluster)
