"""`leaderboard shards setup`: players sharded over PostgreSQL databases behind a PL/Proxy
database that keeps the lb.* API (db/proxy, README "Sharding").

Each shard is an ordinary leaderboard database (migrated as one node is) told its place with
lb.configure_shard, so its ids and usernames say that they are its own. The proxy database
gets db/proxy/schema.sql, every db/proxy/functions file, and the foreign server lb_shards that
lists the shards in order. The proxy connects to every shard as one login of the lb_proxy
group (default leaderboard_proxy, created on each shard's cluster; the user mapping holds it
and, when given, its password): only that group may call the shard helpers, and what a
caller may do is decided on the proxy, by the caller's own grants there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from leaderboard import DB_DIR, logs, migrate
from leaderboard.errors import Unavailable
from leaderboard.logins import create_login

PROXY_DIR = DB_DIR / "proxy"
SERVER = "lb_shards"
MAX_SHARDS = 1024  # lb.shard_config's check
# a shard that does not answer fails its calls after this, not after the kernel's TCP timeout
CONNECT_TIMEOUT_S = 5

log = logs.get("shards")


DEFAULT_LOGIN = "leaderboard_proxy"


@dataclass
class Topology:
    proxy_url: str
    shard_urls: list[str]
    # the login the proxy reaches the shards as, and its password (None: the shards'
    # authentication needs none, as the local clusters' trust on loopback)
    login: str = DEFAULT_LOGIN
    password: str | None = None


def proxy_function_files() -> list[Path]:
    return sorted((PROXY_DIR / "functions").glob("*.sql"))


def shard_conninfo(url: str) -> str:
    """A shard's connection string as the proxy uses it: without user and password, which
    the user mapping gives (the proxy's login, point_proxy)."""
    params = {k: v for k, v in conninfo_to_dict(url).items() if k not in ("user", "password") and v}
    params.setdefault("connect_timeout", str(CONNECT_TIMEOUT_S))
    return make_conninfo(**params)


def setup(topology: Topology) -> None:
    """Migrate and place every shard, then (re)build the proxy for them. Shards are placed in
    the order given; a shard keeps its place for life (its ids name it)."""
    shards = len(topology.shard_urls)
    if shards < 1:
        raise ValueError("a sharded deployment needs at least one shard")
    for number, url in enumerate(topology.shard_urls):
        prepare_shard(url, number, shards, topology.login, topology.password)
    with psycopg.connect(topology.proxy_url, autocommit=True) as conn:
        install_proxy(conn)
        point_proxy(conn, topology.shard_urls, topology.login, topology.password)
    log.info("shards set up", shards=shards)


def prepare_shard(
    url: str, number: int, shards: int, login: str = DEFAULT_LOGIN, password: str | None = None
) -> None:
    migrate.migrate(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("select lb.configure_shard(%s, %s)", (number, shards))
        create_login(conn, login, "proxy", password)


def install_proxy(conn: psycopg.Connection) -> None:
    """The proxy's schema and functions, in one transaction; running it again updates them."""
    if not conn.execute("select 1 from pg_available_extensions where name = 'plproxy'").fetchone():
        raise Unavailable(
            "PL/Proxy is not installed on the proxy database's server: install "
            "postgresql-<version>-plproxy there (python -m ops deps does on this machine)"
        )
    with conn.transaction():
        conn.execute("set local check_function_bodies = off")
        conn.execute((PROXY_DIR / "schema.sql").read_text())
        for path in proxy_function_files():
            conn.execute(path.read_text())


def point_proxy(
    conn: psycopg.Connection,
    shard_urls: list[str],
    login: str = DEFAULT_LOGIN,
    password: str | None = None,
) -> None:
    """The foreign server lb_shards listing the shards in order, the login every call
    reaches them as (a user mapping for every user of the proxy), and the shard count the
    routing functions use, in one transaction."""
    server = sql.Identifier(SERVER)
    options = [("modular_mapping", "1")] + [
        (f"p{n}", shard_conninfo(url)) for n, url in enumerate(shard_urls)
    ]
    with conn.transaction():
        conn.execute(sql.SQL("drop server if exists {} cascade").format(server))
        conn.execute(
            sql.SQL("create server {} foreign data wrapper plproxy options ({})").format(
                server,
                sql.SQL(", ").join(
                    sql.SQL("{} {}").format(sql.Identifier(k), sql.Literal(v)) for k, v in options
                ),
            )
        )
        mapping = [("user", login)] + ([("password", password)] if password else [])
        conn.execute(
            sql.SQL("create user mapping for public server {} options ({})").format(
                server,
                sql.SQL(", ").join(
                    sql.SQL("{} {}").format(sql.Identifier(k), sql.Literal(v)) for k, v in mapping
                ),
            )
        )
        conn.execute(
            sql.SQL("grant usage on foreign server {} to lb_game_server, lb_web").format(server)
        )
        conn.execute("delete from lb_proxy.config")
        conn.execute("insert into lb_proxy.config (shards) values (%s)", (len(shard_urls),))
