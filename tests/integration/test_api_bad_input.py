"""A catalogue of bad input: each gets a 4xx with the envelope, a stable code, a message that
names the problem, and writes nothing. No client mistake produces a 500."""

from __future__ import annotations

import json

import pytest

SUBMIT = "/api/leaderboard/submit"


@pytest.fixture
def player(conn):
    return conn.execute("select lb.create_player('victim')").fetchone()[0]


def state(conn):
    return conn.execute(
        "select (select count(*) from lb.game_sessions),"
        " (select coalesce(sum(value), 0) from lb.board_entries)"
    ).fetchone()


P = "PLAYER"
FIELD_CASES = [
    # floats
    ({"user_id": P, "score": 1.5}, "score"),
    ({"user_id": P, "score": 100.0}, "score"),
    ({"user_id": 1.0, "score": 1}, "user_id"),
    # booleans (Python's bool is an int: must still be refused)
    ({"user_id": P, "score": True}, "score"),
    ({"user_id": True, "score": 1}, "user_id"),
    # strings that look like numbers
    ({"user_id": P, "score": "100"}, "score"),
    ({"user_id": "1", "score": 1}, "user_id"),
    ({"user_id": "١", "score": 1}, "user_id"),
    # huge and negative numbers
    ({"user_id": P, "score": 10**20}, "score"),
    ({"user_id": 2**63, "score": 1}, "user_id"),
    ({"user_id": 10**30, "score": 1}, "user_id"),
    ({"user_id": -1, "score": 1}, "user_id"),
    ({"user_id": 0, "score": 1}, "user_id"),
    ({"user_id": P, "score": -1}, "score"),
    ({"user_id": P, "score": 1_000_001}, "score"),
    # quotes, SQL fragments, unicode in the mode
    ({"user_id": P, "score": 1, "game_mode": "classic'; drop table lb.users; --"}, "game_mode"),
    ({"user_id": P, "score": 1, "game_mode": "' or '1'='1"}, "game_mode"),
    ({"user_id": "1 or 1=1", "score": 1}, "user_id"),
    ({"user_id": P, "score": 1, "game_mode": "clássico"}, "game_mode"),
    ({"user_id": P, "score": 1, "game_mode": "🎮"}, "game_mode"),
    ({"user_id": P, "score": 1, "game_mode": "CLASSIC"}, "game_mode"),
    ({"user_id": P, "score": 1, "game_mode": ""}, "game_mode"),
    # nulls, arrays, objects
    ({"user_id": None, "score": 1}, "user_id"),
    ({"user_id": P, "score": None}, "score"),
    ({"user_id": P, "score": 1, "game_mode": None}, "game_mode"),
    ({"user_id": [1], "score": 1}, "user_id"),
    ({"user_id": P, "score": {"$gt": 0}}, "score"),
    # missing and extra keys
    ({}, "user_id"),
    ({"user_id": P}, "score"),
    ({"user_id": P, "score": 1, "bonus": 1000}, "bonus"),
    ({"user_id": P, "score": 1, "total_score": 10**9}, "total_score"),
    ({"user_id": P, "score": 1, "ｓｃｏｒｅ": 5}, "ｓｃｏｒｅ"),
]


@pytest.mark.parametrize(("body", "field"), FIELD_CASES)
def test_bad_fields_are_400_naming_the_field_and_write_nothing(client, conn, player, body, field):
    body = {k: (player if v == P else v) for k, v in body.items()}
    before = state(conn)
    response = client.post(SUBMIT, json=body)
    assert response.status_code == 400, response.json
    error = response.json["error"]
    assert response.json["success"] is False
    assert error["code"] == "VALIDATION_ERROR"
    assert error["field"] == field
    assert error["message"].startswith(field)
    assert state(conn) == before


RAW_CASES = [
    ("application/json", b"", "INVALID_JSON"),
    ("application/json", b"{", "INVALID_JSON"),
    ("application/json", b"{'user_id': 1}", "INVALID_JSON"),
    ("application/json", b"[1, 2]", "INVALID_JSON"),
    ("application/json", b'"score"', "INVALID_JSON"),
    ("application/json", b"null", "INVALID_JSON"),
    ("application/json", b"\xff\xfe", "INVALID_JSON"),
    ("text/plain", b'{"user_id": 1, "score": 1}', "INVALID_CONTENT_TYPE"),
    ("application/x-www-form-urlencoded", b"user_id=1&score=1", "INVALID_CONTENT_TYPE"),
    (None, b'{"user_id": 1, "score": 1}', "INVALID_CONTENT_TYPE"),
]


@pytest.mark.parametrize(("content_type", "raw", "code"), RAW_CASES)
def test_malformed_bodies_and_wrong_content_types_are_400(
    client, conn, player, content_type, raw, code
):
    before = state(conn)
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(SUBMIT, data=raw, headers=headers)
    assert response.status_code == 400
    assert response.json["error"]["code"] == code
    assert state(conn) == before


def test_an_oversized_body_is_413(client, conn, player):
    body = json.dumps({"user_id": player, "score": 1, "game_mode": "classic" + " " * 2000})
    response = client.post(SUBMIT, data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert state(conn) == (0, 0)


def test_duplicate_keys_take_the_last_value_as_json_parsers_do(client, conn, player):
    raw = f'{{"user_id": {player}, "score": 5, "score": -5}}'
    response = client.post(SUBMIT, data=raw, content_type="application/json")
    assert response.status_code == 400
    assert state(conn) == (0, 0)
