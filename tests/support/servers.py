"""The suite's servers and what tests need to reach them: one PostgreSQL cluster and one Redis
server on free loopback ports (conftest.py starts and stops them for the session)."""

from __future__ import annotations

from ops import postgres as ops_postgres
from ops import redis_server as ops_redis
from ops.processes import free_port

__all__ = ["ADMIN_TOKEN", "PG", "REDIS", "free_port", "url_as", "url_for"]

# fsync off only matters if the machine itself crashes; commits stay synchronous, so a
# restarted server still has every acknowledged write, which the fault tests rely on.
PG = ops_postgres.temporary(free_port(), settings={"fsync": "off", "shared_buffers": "128MB"})
REDIS = ops_redis.temporary(free_port())

# the admin token of every app the fixtures build
ADMIN_TOKEN = "test-admin-token-0123456789"


def url_for(host: str, port: int, user: str, dbname: str) -> str:
    return f"postgresql://{user}@{host}:{port}/{dbname}"


def url_as(database_url: str, login: str) -> str:
    """The same database as another login (roles trust local connections in the test cluster)."""
    return database_url.replace("postgresql://postgres@", f"postgresql://{login}@", 1)
