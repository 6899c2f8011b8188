"""Reads from the Redis index agree with PostgreSQL, and fall back to it without a 500."""

from __future__ import annotations

import json

from tests.support.bridge import KEYS, BridgeThread, converged, settings_for, wait_until
from tests.support.servers import free_port


def test_top_rank_and_around_agree_with_each_other_and_with_sql(
    client, conn, database_url, redis_url, redis_client
):
    conn.execute("select * from lb.seed(300, 900, 0.7)")
    ids = [p for (p,) in conn.execute("select id from lb.users where id % 37 = 0")]
    with BridgeThread(settings_for(database_url, redis_url)):
        wait_until(lambda: converged(conn, redis_client), message="the index")
        page = client.get("/api/leaderboard/top?limit=100&offset=0").json
        assert page["source"] == "redis"
        by_user = {row["user_id"]: row["rank"] for row in page["data"]}
        for user_id in ids:
            ranked = client.get(f"/api/leaderboard/rank/{user_id}").json
            sql = conn.execute(
                "select user_id, username, total_score, rank from lb.player_rank(%s)", (user_id,)
            ).fetchone()
            assert tuple(ranked["data"].values()) == sql
            if sql[3] is not None:
                assert ranked["source"] == "redis"
                around = client.get(f"/api/leaderboard/around/{user_id}?radius=3").json
                sql_around = conn.execute(
                    "select rank, user_id, username, total_score from lb.players_around(%s, 3)",
                    (user_id,),
                ).fetchall()
                assert [tuple(r.values()) for r in around["data"]] == sql_around
                if user_id in by_user:
                    assert by_user[user_id] == sql[3]


def test_reads_fall_back_to_postgres_when_redis_is_unreachable(make_app, conn):
    conn.execute("select * from lb.seed(50, 200)")
    client = make_app(redis_url=f"redis://127.0.0.1:{free_port()}/0").test_client()
    user_id = conn.execute("select user_id from lb.board_entries limit 1").fetchone()[0]
    for path in (
        "/api/leaderboard/top",
        "/api/leaderboard/top?limit=20&offset=10",
        f"/api/leaderboard/rank/{user_id}",
        f"/api/leaderboard/around/{user_id}",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.json["source"] == "postgres"
        assert "possibly_stale" not in response.json  # PostgreSQL's answers are exact
    assert client.get("/api/leaderboard/top").json["cached"] is False
    submit = client.post("/api/leaderboard/submit", json={"user_id": user_id, "score": 3})
    assert submit.status_code == 201  # writes do not need Redis


def test_reads_fall_back_while_the_index_is_missing(client, conn, redis_client):
    conn.execute("select * from lb.seed(20, 60)")
    redis_client.flushall()
    body = client.get("/api/leaderboard/top").json
    assert body["source"] == "postgres"


def test_redis_reads_while_postgres_is_down_are_flagged_possibly_stale(
    make_app, conn, database_url, redis_url, redis_client
):
    conn.execute("select * from lb.seed(30, 90)")
    user_id = conn.execute("select user_id from lb.board_entries limit 1").fetchone()[0]
    with BridgeThread(settings_for(database_url, redis_url)):
        wait_until(
            lambda: converged(conn, redis_client) and redis_client.get(KEYS.top10("global")),
            message="index and cache",
        )
    # the same Redis, and a PostgreSQL that cannot be reached
    client = make_app(database_url=f"postgresql://postgres@127.0.0.1:{free_port()}/x").test_client()
    top = client.get("/api/leaderboard/top")
    assert top.status_code == 200
    assert top.json["source"] == "redis"
    assert top.json["possibly_stale"] is True
    assert top.json["data"] == json.loads(redis_client.get(KEYS.top10("global")))["data"]
    rank = client.get(f"/api/leaderboard/rank/{user_id}")
    assert rank.status_code == 200
    assert rank.json["possibly_stale"] is True
    assert rank.json["data"]["rank"] is not None
    write = client.post("/api/leaderboard/submit", json={"user_id": user_id, "score": 1})
    assert write.status_code == 503
    health = client.get("/health").json
    assert health["mode"].startswith("postgres")
    assert "db" in health["down"]
