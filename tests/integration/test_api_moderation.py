"""/api/admin over HTTP, one node and sharded alike: rules, the held queue and the audit
log behind the admin token; every refusal has its code and writes nothing."""

from __future__ import annotations

import pytest

from tests.support.db import db_state
from tests.support.servers import ADMIN_TOKEN

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def test_rules_the_held_queue_and_the_audit_log_over_http(api, api_client):
    client = api_client
    user = api.execute("select lb.create_player('max')").fetchone()[0]
    created = client.post(
        "/api/admin/rules",
        json={"id": "cap", "kind": "max_score", "threshold": 5000, "game_mode": "classic"},
        headers=ADMIN,
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["data"] == {
        "id": "cap",
        "kind": "max_score",
        "threshold": 5000,
        "game_mode": "classic",
        "board": None,
        "enabled": True,
        "created_at": created.get_json()["data"]["created_at"],
        "created_by": "token:admin-1",
    }
    again = client.post(
        "/api/admin/rules", json={"id": "cap", "kind": "max_score", "threshold": 1}, headers=ADMIN
    )
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "RULE_EXISTS")
    assert [r["id"] for r in client.get("/api/admin/rules", headers=ADMIN).get_json()["data"]] == [
        "cap"
    ]

    client.post("/api/leaderboard/submit", json={"user_id": user, "score": 100})
    held = client.post("/api/leaderboard/submit", json={"user_id": user, "score": 9000})
    assert held.status_code == 202
    doubtful = client.post("/api/leaderboard/submit", json={"user_id": user, "score": 8000})
    queue = client.get(f"/api/admin/held?player={user}", headers=ADMIN).get_json()["data"]
    assert [(q["score"], q["held_by"]) for q in queue] == [(9000, "cap"), (8000, "cap")]
    page = client.get(
        f"/api/admin/held?limit=1&after={queue[0]['session_id']}", headers=ADMIN
    ).get_json()["data"]
    assert [q["score"] for q in page] == [8000]

    session = held.get_json()["data"]["session_id"]
    approved = client.post(
        f"/api/admin/held/{session}/approve", json={"reason": "replay checked"}, headers=ADMIN
    )
    assert approved.status_code == 200, approved.get_json()
    assert {b["board"]: b["value"] for b in approved.get_json()["data"]["boards"]} == {
        "global": 9100
    }
    rejected = client.post(
        f"/api/admin/held/{doubtful.get_json()['data']['session_id']}/reject", headers=ADMIN
    )
    assert rejected.get_json()["data"] == {
        "session_id": doubtful.get_json()["data"]["session_id"],
        "review": "rejected",
    }
    twice = client.post(f"/api/admin/held/{session}/reject", headers=ADMIN)
    assert (twice.status_code, twice.get_json()["error"]["code"]) == (409, "SESSION_NOT_HELD")
    rank = client.get(f"/api/boards/global/rank/{user}").get_json()["data"]
    assert rank["total_score"] == 9100

    off = client.patch("/api/admin/rules/cap", json={"enabled": False}, headers=ADMIN)
    assert off.get_json()["data"]["enabled"] is False
    gone = client.delete("/api/admin/rules/cap", headers=ADMIN)
    assert gone.get_json()["data"] == {"id": "cap", "still_held": 0}

    log = client.get(f"/api/admin/audit?player={user}", headers=ADMIN).get_json()["data"]
    assert [(e["action"], e["actor"], e["reason"]) for e in log] == [
        ("session_rejected", "token:admin-1", None),
        ("session_approved", "token:admin-1", "replay checked"),
    ]
    rule_log = client.get("/api/admin/audit?subject=rule:cap", headers=ADMIN).get_json()["data"]
    assert {e["action"] for e in rule_log} == {"rule_created", "rule_updated", "rule_deleted"}


RULES = "/api/admin/rules"
BAD = "VALIDATION_ERROR"
GAIN = {"id": "x", "kind": "max_gain_per_period", "threshold": 1}


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("get", RULES, None, 401, "UNAUTHORIZED"),
        ("post", RULES, {"id": "x", "kind": "max_score", "threshold": 1}, 401, "UNAUTHORIZED"),
        ("post", RULES, {"id": "Bad Id", "kind": "max_score", "threshold": 1}, 400, BAD),
        ("post", RULES, {"id": "x", "kind": "min_score", "threshold": 1}, 400, BAD),
        ("post", RULES, {"id": "x", "kind": "max_score", "threshold": -1}, 400, BAD),
        ("post", RULES, GAIN, 400, "VALIDATION_ERROR"),
        ("post", RULES, GAIN | {"board": "nope"}, 404, "BOARD_NOT_FOUND"),
        ("patch", f"{RULES}/nope", {"enabled": False}, 404, "RULE_NOT_FOUND"),
        ("patch", f"{RULES}/cap", {}, 400, "VALIDATION_ERROR"),
        ("delete", f"{RULES}/nope", None, 404, "RULE_NOT_FOUND"),
        ("post", "/api/admin/held/999999/approve", None, 404, "SESSION_NOT_FOUND"),
        ("post", "/api/admin/held/0/approve", None, 400, "VALIDATION_ERROR"),
        ("post", "/api/admin/held/1/reject", {"reason": ""}, 400, "VALIDATION_ERROR"),
        ("get", "/api/admin/held?limit=0", None, 400, "VALIDATION_ERROR"),
        ("get", "/api/admin/held?player=abc", None, 400, "VALIDATION_ERROR"),
        ("get", "/api/admin/audit?since=yesterday", None, 400, "VALIDATION_ERROR"),
    ],
)  # fmt: skip
def test_refusals_have_their_code_and_write_nothing(
    api, api_client, method, path, body, status, code
):
    api.execute("select lb.create_rule('cap', 'max_score', 10)")
    headers = {} if status == 401 else ADMIN
    before = db_state(api)
    kwargs = {"headers": headers} | ({"json": body} if body is not None else {})
    response = getattr(api_client, method)(path, **kwargs)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"] == code
    assert db_state(api) == before
