"""The app's connection pool survives a PostgreSQL restart without failing a request: the
checkout check notices connections the server closed and replaces them."""

from __future__ import annotations

import psycopg
import pytest

from leaderboard import migrate
from ops import postgres as ops_postgres
from tests.support.servers import free_port


@pytest.fixture(scope="module")
def restartable():
    cluster = ops_postgres.temporary(
        free_port(), settings={"fsync": "off", "shared_buffers": "64MB"}
    )
    cluster.start()
    cluster.create_database("resilience")
    url = cluster.url("resilience")
    migrate.migrate(url)
    yield cluster, url
    cluster.destroy()


def test_no_request_fails_after_a_postgres_restart(restartable, make_app):
    cluster, url = restartable
    with psycopg.connect(url, autocommit=True) as conn:
        player = conn.execute("select lb.create_player('resilient')").fetchone()[0]
    app = make_app(database_url=url, web_threads=4)
    client = app.test_client()
    for _ in range(10):  # warm the pool
        assert (
            client.post("/api/leaderboard/submit", json={"user_id": player, "score": 1}).status_code
            == 201
        )
    cluster.restart(mode="fast")
    statuses = [
        client.post("/api/leaderboard/submit", json={"user_id": player, "score": 1}).status_code
        for _ in range(10)
    ]
    statuses += [client.get(f"/api/leaderboard/rank/{player}").status_code for _ in range(5)]
    assert statuses == [201] * 10 + [200] * 5
