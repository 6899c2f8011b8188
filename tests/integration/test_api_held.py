"""A held submit over HTTP: 202 with `held: true` and the rule, counted on no board and not
echoed into the index; a keyed retry answers the same; approval then counts it."""

from __future__ import annotations

from tests.support.shards import ProxyConnection


def test_a_held_submit_answers_202_with_its_rule_and_changes_no_read(api, api_client):
    api.execute("select lb.create_rule('cap', 'max_score', 5000)")
    user = api.execute("select lb.create_player('zoe')").fetchone()[0]
    assert (
        api_client.post("/api/leaderboard/submit", json={"user_id": user, "score": 100}).status_code
        == 201
    )
    body = {"user_id": user, "score": 9000}
    headers = {"Idempotency-Key": "match-7:zoe"}
    held = api_client.post("/api/leaderboard/submit", json=body, headers=headers)
    assert held.status_code == 202, held.get_json()
    data = held.get_json()["data"]
    assert data["held"] is True
    assert data["rule"] == "cap"
    assert data["total_score"] == 100
    assert data["boards"] == []
    again = api_client.post("/api/leaderboard/submit", json=body, headers=headers)
    assert (again.status_code, again.get_json()) == (202, held.get_json())
    rank = api_client.get(f"/api/leaderboard/rank/{user}").get_json()["data"]
    assert rank["total_score"] == 100
    api.execute("select lb.approve_session(%s)", (data["session_id"],))
    rank = api_client.get(f"/api/boards/global/rank/{user}").get_json()["data"]
    assert rank["total_score"] == 9100
    if not isinstance(api, ProxyConnection):
        assert api.execute(
            "select review from lb.game_sessions where id = %s", (data["session_id"],)
        ).fetchone() == ("approved",)
