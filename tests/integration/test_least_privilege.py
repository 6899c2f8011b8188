"""The services work when they connect as least-privileged logins, as a deployment runs them:
the web app as a member of lb_web, the bridge as a member of lb_bridge."""

from __future__ import annotations

import json

from tests.support.bridge import KEYS, BridgeThread, converged, settings_for, wait_until
from tests.support.servers import ADMIN_TOKEN, url_as


def test_web_and_bridge_run_as_lb_web_and_lb_bridge(
    make_app, conn, database_url, redis_url, redis_client, logins
):
    app = make_app(database_url=url_as(database_url, logins["lb_web"]))
    client = app.test_client()
    seeded = client.post(
        "/api/leaderboard/seed",
        json={"user_count": 30, "sessions_per_user": 3},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert seeded.status_code == 200
    bridge_settings = settings_for(url_as(database_url, logins["lb_bridge"]), redis_url)
    with BridgeThread(bridge_settings):
        wait_until(
            lambda: converged(conn, redis_client) and redis_client.get(KEYS.top10("global")),
            message="index and cache built by an lb_bridge login",
        )
        user_id = conn.execute("select user_id from lb.board_entries limit 1").fetchone()[0]
        assert (
            client.post(
                "/api/leaderboard/submit", json={"user_id": user_id, "score": 7}
            ).status_code
            == 201
        )
        wait_until(lambda: converged(conn, redis_client), message="the submit mirrored")
        assert client.get(f"/api/leaderboard/rank/{user_id}").json["source"] == "redis"
        assert client.get(f"/api/leaderboard/around/{user_id}").status_code == 200
        assert client.get(f"/api/leaderboard/sessions/{user_id}").status_code == 200
        health = wait_until(
            lambda: (r := client.get("/health")).status_code == 200 and r, message="healthy"
        )
        assert health.json["status"] == "healthy"
    cache = json.loads(redis_client.get(KEYS.top10("global")))
    assert all(entry["username"] for entry in cache["data"])  # names readable by the bridge
