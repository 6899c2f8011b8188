"""docker-compose.yml cannot run here (no Docker engine): what can be checked without one is
that its `shards` profile describes the topology `python -m ops up --shards 2
--redis-cluster` runs (README "Sharding")."""

from __future__ import annotations

from pathlib import Path

import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def test_the_shards_profile_has_two_shards_a_plproxy_proxy_and_a_3_plus_3_redis_cluster():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    profiled = {name for name, s in services.items() if "shards" in s.get("profiles", [])}
    nodes = {f"redis-node-{n}" for n in range(1, 7)}
    assert profiled == {"proxy", "shard0", "shard1", "redis-cluster-init", *nodes}
    assert "plproxy" in services["proxy"]["build"]["dockerfile_inline"]
    for node in nodes:
        assert "--cluster-enabled yes" in services[node]["command"]
        assert "noeviction" in services[node]["command"]
    init = services["redis-cluster-init"]["command"]
    assert "--cluster-replicas 1" in init
    assert all(f"{node}:6379" in init for node in nodes)
    # the default services (no profile) are unchanged: one PostgreSQL, one Redis
    assert {n for n, s in services.items() if not s.get("profiles")} == {"postgres", "redis"}
