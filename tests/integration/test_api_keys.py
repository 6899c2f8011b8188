"""Trusted writes over HTTP: in production a submit needs a server key, a refused key writes
nothing, and each session records the key that wrote it (one node and sharded alike)."""

from __future__ import annotations

import pytest

from tests.support.db import db_state
from tests.support.shards import ProxyConnection


def submit(client, key: str | None, body: dict | None = None, **headers: str):
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return client.post(
        "/api/leaderboard/submit",
        json=body or {"user_id": 1, "score": 10, "game_mode": "ranked"},
        headers=headers,
    )


@pytest.fixture
def keyed(api, make_app):
    """(app client needing keys, the SQL connection, a player id)"""
    url = api.url if isinstance(api, ProxyConnection) else None
    app = make_app(submit_auth="key", **({"database_url": url} if url else {}))
    user = api.execute("select lb.create_player('alice')").fetchone()[0]
    return app.test_client(), api, user


def writers(api) -> list[tuple[int, str]]:
    shards = api.shards if isinstance(api, ProxyConnection) else [api]
    return sorted(
        row
        for shard in shards
        for row in shard.execute("select score, written_by from lb.game_sessions").fetchall()
    )


def test_a_valid_key_submits_and_the_session_records_it(keyed):
    client, api, user = keyed
    secret = api.execute("select secret from lb.create_key('arena-eu-1')").fetchone()[0]
    response = submit(client, secret, {"user_id": user, "score": 10, "game_mode": "ranked"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["total_score"] == 10
    assert writers(api) == [(10, "key:arena-eu-1")]
    assert api.execute("select last_used_at is not null from lb.list_keys()").fetchone() == (True,)


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("missing", 401, "UNAUTHORIZED"),
        ("admin token", 401, "INVALID_KEY"),
        ("not bearer", 401, "INVALID_KEY"),
        ("unknown", 401, "INVALID_KEY"),
        ("revoked", 401, "INVALID_KEY"),
        ("rotated away", 401, "INVALID_KEY"),
        ("other mode", 403, "KEY_NOT_ALLOWED"),
    ],
)
def test_a_refused_key_answers_its_code_and_writes_nothing(keyed, case, status, code):
    client, api, user = keyed
    secret = api.execute("select secret from lb.create_key('eu', array['ranked'])").fetchone()[0]
    headers: dict[str, str] = {}
    key: str | None = secret
    if case == "missing":
        key = None
    elif case == "admin token":
        from tests.support.servers import ADMIN_TOKEN

        key = ADMIN_TOKEN
    elif case == "not bearer":
        key, headers = None, {"Authorization": f"Basic {secret}"}
    elif case == "unknown":
        key = "lbk_" + "0" * 64
    elif case == "revoked":
        api.execute("select lb.revoke_key('eu')")
    elif case == "rotated away":
        api.execute("select lb.rotate_key('eu')")
    mode = "classic" if case == "other mode" else "ranked"
    before = db_state(api)
    response = submit(client, key, {"user_id": user, "score": 10, "game_mode": mode}, **headers)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"] == code
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert db_state(api) == before
    assert secret not in response.get_data(as_text=True)


def test_the_key_is_asked_for_before_the_body_is_read(keyed):
    client, _, _ = keyed
    response = client.post(
        "/api/leaderboard/submit", data="not json", content_type="application/json"
    )
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "UNAUTHORIZED"


def test_the_open_contract_needs_no_key_but_checks_one_that_is_sent(make_app, conn):
    client = make_app(submit_auth="open").test_client()
    user = conn.execute("select lb.create_player('bob')").fetchone()[0]
    assert submit(client, None, {"user_id": user, "score": 5}).status_code == 201
    # a header a gateway adds is not a key: the open contract never asked for one
    basic = submit(client, None, {"user_id": user, "score": 4}, Authorization="Basic dTpw")
    assert basic.status_code == 201
    before = db_state(conn)
    refused = submit(client, "lbk_" + "1" * 64, {"user_id": user, "score": 6})
    assert refused.status_code == 401
    assert db_state(conn) == before
    # development mode is open too, as `make run` serves it
    dev = make_app(env="development", submit_auth="").test_client()
    assert submit(dev, None, {"user_id": user, "score": 7}).status_code == 201
    assert [score for score, _ in writers(conn)] == [4, 5, 7]


def test_the_openapi_document_declares_the_key(client):
    operation = client.get("/api/openapi.json").get_json()["paths"]["/api/leaderboard/submit"]
    assert operation["post"]["security"] == [{"server_key": []}, {}]
    assert {"401", "403"} <= set(operation["post"]["responses"])
