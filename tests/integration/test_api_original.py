"""The original project's integration tests, ported: its clients must work against ours."""

from __future__ import annotations

import threading

from tests.support.bridge import BridgeThread, settings_for, wait_until
from tests.support.servers import ADMIN_TOKEN

SUBMIT = "/api/leaderboard/submit"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def new_player(conn, name="orig"):
    return conn.execute("select lb.create_player(%s)", (name,)).fetchone()[0]


def test_submit_returns_the_four_fields_and_accumulates(client, conn):
    player = new_player(conn)
    first = client.post(SUBMIT, json={"user_id": player, "score": 100, "game_mode": "ranked"})
    assert first.status_code == 201
    assert first.json["success"] is True
    # the original's four fields, plus the boards the session counted on (Boards II): a
    # client that reads the four sees no change
    assert set(first.json["data"]) == {"session_id", "user_id", "score", "total_score", "boards"}
    assert first.json["data"]["boards"] == [{"board": "global", "period_start": None, "value": 100}]
    assert first.json["data"]["total_score"] == 100
    second = client.post(SUBMIT, json={"user_id": player, "score": 200})
    assert second.status_code == 201
    assert second.json["data"]["total_score"] == 300


def test_the_original_400_cases(client, conn):
    player = new_player(conn)
    cases = [
        ({"user_id": player, "score": -100}, "score"),
        ({"score": 100}, "user_id"),
        ({"user_id": player}, "score"),
        ({"user_id": "abc", "score": 100}, "user_id"),
        ({"user_id": player, "score": 100, "game_mode": "invalid_mode"}, "game_mode"),
    ]
    for body, field in cases:
        response = client.post(SUBMIT, json=body)
        assert response.status_code == 400, body
        assert response.json["success"] is False
        assert response.json["error"]["field"] == field
        assert field in response.json["error"]["message"]
    assert conn.execute("select count(*) from lb.game_sessions").fetchone() == (0,)


def test_top_returns_at_most_10_in_order(client, conn):
    client.post(
        "/api/leaderboard/seed", json={"user_count": 30, "sessions_per_user": 3}, headers=AUTH
    )
    response = client.get("/api/leaderboard/top")
    assert response.status_code == 200
    data = response.json["data"]
    # exactly SQL's top 10, rows and ranks (whichever of Redis or PostgreSQL answered)
    expected = conn.execute(
        "select rank, user_id, username, total_score from lb.top_players(10, 0)"
    ).fetchall()
    assert [(r["rank"], r["user_id"], r["username"], r["total_score"]) for r in data] == [
        tuple(row) for row in expected
    ]
    assert len(data) == 10


def test_rank_of_a_seeded_user_works_and_is_stable(client, conn):
    client.post(
        "/api/leaderboard/seed", json={"user_count": 20, "sessions_per_user": 5}, headers=AUTH
    )
    user_id = conn.execute("select user_id from lb.board_entries limit 1").fetchone()[0]
    first = client.get(f"/api/leaderboard/rank/{user_id}")
    assert first.status_code == 200
    expected = conn.execute(
        "select user_id, username, total_score, rank from lb.player_rank(%s)", (user_id,)
    ).fetchone()
    data = first.json["data"]
    assert (data["user_id"], data["username"], data["total_score"], data["rank"]) == tuple(expected)
    assert set(data) == {"user_id", "username", "total_score", "rank"}
    assert client.get(f"/api/leaderboard/rank/{user_id}").json["data"] == data


def test_unknown_user_is_404(client):
    response = client.get("/api/leaderboard/rank/999999")
    assert response.status_code == 404  # the original answered 500
    assert response.json["error"]["code"] == "NOT_FOUND"


def test_health_is_healthy_with_everything_running(client, database_url, redis_url):
    with BridgeThread(settings_for(database_url, redis_url)):
        response = wait_until(
            lambda: (r := client.get("/health")).status_code == 200 and r,
            message="a healthy report",
        )
    assert response.json["status"] == "healthy"
    assert response.json["checks"]["db"] is True
    assert response.json["checks"]["redis"] is True
    assert response.json["checks"]["bridge"]["ok"] is True


def test_ten_concurrent_submits_of_100_total_exactly_1000(make_app, conn):
    app = make_app()
    player = new_player(conn)
    statuses: list[int] = []

    def one():
        statuses.append(
            app.test_client().post(SUBMIT, json={"user_id": player, "score": 100}).status_code
        )

    threads = [threading.Thread(target=one) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [201] * 10
    assert conn.execute(
        "select value from lb.board_entries where user_id = %s", (player,)
    ).fetchone() == (1000,)
