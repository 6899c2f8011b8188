"""The sharded topology for the tests: two shard clusters of their own (so a test can stop
one) behind a PL/Proxy database on the suite's cluster, as `leaderboard shards setup` builds
it. Each test gets fresh databases, cloned from templates that are migrated once."""

from __future__ import annotations

import itertools
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg

from leaderboard import sharding
from ops import postgres as ops_postgres
from tests.support.servers import PG, free_port, url_for

SHARDS = 2
SHARD_TEMPLATE = "lbshard_template"
PROXY_TEMPLATE = "lbproxy_template"


class ProxyConnection(psycopg.Connection):
    """A connection to the proxy database that knows the shards behind it, so assertions
    about what was written (tests.support.db.db_state) look at every shard."""

    shards: list[psycopg.Connection]
    url: str


@dataclass
class ShardedDatabase:
    proxy_url: str
    shard_urls: list[str]


class ShardClusters:
    """Started once per test session, on first use."""

    def __init__(self) -> None:
        self.clusters = [
            ops_postgres.temporary(free_port(), settings={"fsync": "off", "shared_buffers": "64MB"})
            for _ in range(SHARDS)
        ]
        self._names = itertools.count()
        self.started = False

    def start(self) -> None:
        ops_postgres.ensure_plproxy()
        for number, cluster in enumerate(self.clusters):
            cluster.start()
            cluster.wait_ready()
            cluster.create_database(SHARD_TEMPLATE)
            sharding.prepare_shard(cluster.url(SHARD_TEMPLATE), number, SHARDS)
        PG.create_database(PROXY_TEMPLATE)
        with psycopg.connect(PG.url(PROXY_TEMPLATE), autocommit=True) as conn:
            sharding.install_proxy(conn)
        self.started = True

    def close(self) -> None:
        for cluster in self.clusters:
            cluster.destroy()
            shutil.rmtree(cluster.root.parent, ignore_errors=True)

    def create(self, empty: bool = False) -> ShardedDatabase:
        """Fresh databases: set up as `leaderboard shards setup` leaves them, or `empty`."""
        if not self.started:
            self.start()
        name = f"sharded_{next(self._names)}"
        shard_template, proxy_template = (
            ("template0", "template0")
            if empty
            else (
                SHARD_TEMPLATE,
                PROXY_TEMPLATE,
            )
        )
        _admin_all(
            [
                (c.url("postgres"), f"create database {name} template {shard_template}")
                for c in self.clusters
            ]
            + [(PG.url("postgres"), f"create database {name} template {proxy_template}")]
        )
        db = ShardedDatabase(
            proxy_url=url_for("127.0.0.1", PG.port, "postgres", name),
            shard_urls=[c.url(name) for c in self.clusters],
        )
        if not empty:
            with psycopg.connect(db.proxy_url, autocommit=True) as conn:
                sharding.point_proxy(conn, db.shard_urls)
        return db

    def drop(self, db: ShardedDatabase) -> None:
        name = db.proxy_url.rsplit("/", 1)[1]
        drop = f"drop database if exists {name} with (force)"
        _admin_all(
            [(PG.url("postgres"), drop)]
            + [(c.url("postgres"), drop) for c in self.clusters if c.running()]
        )


def _admin_all(statements: list[tuple[str, str]]) -> None:
    """Each (server URL, statement) over a connection of its own, the servers in parallel:
    a sharded test creates and drops a database on three servers, and one at a time (a psql
    process each, before) cost ~0.6 s of every sharded test's setup."""

    def run(url: str, statement: str) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(statement)

    with ThreadPoolExecutor(max_workers=len(statements)) as pool:
        for done in [pool.submit(run, url, statement) for url, statement in statements]:
            done.result()


CLUSTERS = ShardClusters()
