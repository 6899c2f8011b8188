"""Real servers for the whole suite: one PostgreSQL cluster and one Redis server, started for
the session on free loopback ports.

pytest-postgresql's own `postgresql_proc` cannot start a server as root (initdb refuses), so
the cluster is started by ops.postgres as the unprivileged `postgres` user and the tests use
`postgresql_noproc`: migrations are loaded once into a template database and every test gets
a fresh clone of it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

import psycopg
import pytest
import redis
from pytest_postgresql import factories

from leaderboard import logs, migrate
from tests.support.servers import ADMIN_TOKEN, PG, REDIS, url_for
from tests.support.shards import CLUSTERS, ProxyConnection, ShardedDatabase

# The suite sees none of the developer's settings: every server and knob a test uses comes
# from its fixtures (a DATABASE_URL left exported must not point a test at a real database).
SETTINGS = {"DATABASE_URL", "REDIS_URL", "PORT", "HOST", "LOG_LEVEL", "RATE_LIMIT"}
for _name in list(os.environ):
    if _name in SETTINGS or _name.startswith(("LEADERBOARD_", "WEB_", "LB_")):
        del os.environ[_name]
# nor the servers a developer's `make run` started (leaderboard.config.local_services)
os.environ["LB_VAR_DIR"] = tempfile.mkdtemp(prefix="lb-test-var-")


def pytest_sessionstart(session: pytest.Session) -> None:
    logs.setup("INFO")  # as the services do: structlog through stdlib logging, so caplog sees it
    PG.start()
    PG.wait_ready()
    REDIS.start()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if CLUSTERS.started:
        CLUSTERS.close()
    REDIS.kill()
    shutil.rmtree(REDIS.root, ignore_errors=True)
    PG.destroy()


def load_schema(host: str, port: int, user: str, dbname: str, **_: object) -> None:
    migrate.migrate(url_for(host, port, user, dbname))


postgresql_noproc = factories.postgresql_noproc(
    host="127.0.0.1", port=PG.port, user="postgres", dbname="lbtest", load=[load_schema]
)
postgresql = factories.postgresql("postgresql_noproc")


@pytest.fixture
def database_url(postgresql: psycopg.Connection) -> str:
    info = postgresql.info
    return url_for(info.host, info.port, info.user, info.dbname)


@pytest.fixture
def conn(database_url: str) -> Iterator[psycopg.Connection]:
    """An autocommit connection to this test's fresh database."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        yield connection


@pytest.fixture
def sharded() -> Iterator[ShardedDatabase]:
    """Fresh databases on the sharded topology: two shards behind a PL/Proxy database."""
    db = CLUSTERS.create()
    yield db
    CLUSTERS.drop(db)


@pytest.fixture(params=["node", "sharded"])
def api(request: pytest.FixtureRequest) -> Iterator[psycopg.Connection]:
    """The SQL API as game servers reach it: one node, or the proxy of the sharded topology
    with the same functions. A test of the API contract takes this instead of `conn` and runs
    against both."""
    if request.param == "node":
        with psycopg.connect(request.getfixturevalue("database_url"), autocommit=True) as node:
            yield node
        return
    db: ShardedDatabase = request.getfixturevalue("sharded")
    shards = [psycopg.connect(url, autocommit=True) for url in db.shard_urls]
    try:
        with ProxyConnection.connect(db.proxy_url, autocommit=True) as proxy:
            proxy.shards = shards
            proxy.url = db.proxy_url
            yield proxy
    finally:
        for shard in shards:
            shard.close()


@pytest.fixture
def api_client(api: psycopg.Connection, make_app):
    """A test client of the app on the database `api` is connected to: one node, or the proxy
    of the sharded topology (no bridge: reads come from PostgreSQL until one runs)."""
    if isinstance(api, ProxyConnection):
        return make_app(database_url=api.url).test_client()
    return make_app().test_client()


@pytest.fixture
def connect(database_url: str) -> Iterator:
    """Open more autocommit connections to this test's database; closed at teardown."""
    opened: list[psycopg.Connection] = []

    def _connect(**kwargs) -> psycopg.Connection:
        connection = psycopg.connect(database_url, **{"autocommit": True, **kwargs})
        opened.append(connection)
        return connection

    yield _connect
    for connection in opened:
        connection.close()


@pytest.fixture
def redis_url() -> str:
    client = redis.Redis.from_url(REDIS.url())
    client.flushall()
    client.close()
    return REDIS.url()


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def make_app(database_url: str, redis_url: str) -> Iterator:
    """Build the Flask app against this test's database and Redis; closed at teardown."""
    from web import create_app

    apps = []

    def _make(**overrides):
        settings = {
            "database_url": database_url,
            "redis_url": redis_url,
            "rate_limit": "off",
            "env": "production",
            # the open contract, except in the tests of server keys (tests/integration/
            # test_api_keys.py), which ask for "key"
            "submit_auth": "open",
            "admin_tokens": (ADMIN_TOKEN,),
            **overrides,
        }
        app = create_app(settings)
        app.testing = True
        apps.append(app)
        return app

    yield _make
    for app in apps:
        app.extensions["leaderboard"].close()


@pytest.fixture
def client(make_app):
    return make_app().test_client()


LOGINS = {
    "lb_game_server": "test_game_server",
    "lb_web": "test_web",
    "lb_bridge": "test_bridge",
    "lb_moderator": "test_moderator",
}


@pytest.fixture(scope="session")
def logins(postgresql_noproc) -> dict[str, str]:
    """One login per group (plus one in no group), created once: roles are cluster-wide."""
    from leaderboard.logins import create_login

    with psycopg.connect(PG.url("postgres"), autocommit=True) as admin:
        for group, name in LOGINS.items():
            create_login(admin, name, group.removeprefix("lb_"), None)
        if not admin.execute("select 1 from pg_roles where rolname = 'test_nobody'").fetchone():
            admin.execute("create role test_nobody login")
    return {**LOGINS, "none": "test_nobody"}


@pytest.fixture
def connect_as(logins, postgresql):
    """Connect to this test's database as the login of a group ('lb_web', ..., or 'none')."""
    opened: list[psycopg.Connection] = []
    info = postgresql.info

    def _connect(group: str) -> psycopg.Connection:
        url = url_for(info.host, info.port, logins[group], info.dbname)
        connection = psycopg.connect(url, autocommit=True)
        opened.append(connection)
        return connection

    yield _connect
    for connection in opened:
        connection.close()
