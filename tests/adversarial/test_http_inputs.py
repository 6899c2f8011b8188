"""What the adversarial pass sent to the app itself (issue 27): admin input that answered
500, durations that changed meaning on the way, a board id with a trailing newline, a seed
that read its body before asking who was asking, cross-origin admin writes, duplicate keys.
Each is a 4xx naming the field (or the problem) and writes nothing."""

from __future__ import annotations

import pytest

from tests.support.db import db_state
from tests.support.servers import ADMIN_TOKEN

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def dev_client(make_app):
    return make_app(env="development").test_client()


@pytest.mark.parametrize(
    ("body", "field", "fragment"),
    [
        ({"id": "nul", "time_zone": "Europe/Ber\u0000lin"}, "time_zone", "IANA time zone name"),
        (
            {"id": "anchored", "reset": "fixed", "reset_every": "P7D",
             "reset_anchor": "2026-01-05T00:00:00Z"},
            "reset_anchor",
            "without an offset",
        ),
        (
            {"id": "huge", "reset": "fixed", "reset_every": "P999999999D"},
            "reset_every",
            "at most 36525 days",
        ),
        (
            {"id": "months", "reset": "fixed", "reset_every": "P1M"},
            "reset_every",
            "for months use reset monthly",
        ),
        (
            {"id": "years", "reset": "fixed", "reset_every": "P1Y"},
            "reset_every",
            "for months use reset monthly",
        ),
        ({"id": "prose", "reset": "fixed", "reset_every": "28 days"}, "reset_every", "ISO 8601"),
        (
            {"id": "decade", "reset": "fixed", "reset_every": "P3650D", "retain_periods": 1000},
            "retain_periods",
            "reaches back to periods before 0001-01-01",
        ),
        ({"id": "y10k", "ends_at": "9999-12-31T23:59:59-01:00"}, "ends_at", "9999-12-31"),
        ({"id": "fine", "ends_at": "2030-01-01T00:00:00.1234567Z"}, "ends_at", "6 decimal"),
        ({"id": "weekly\n"}, "id", "pattern"),
    ],
)  # fmt: skip
def test_bad_board_input_is_a_400_naming_the_field(client, conn, body, field, fragment):
    before = db_state(conn)
    answer = client.post("/api/boards", json=body, headers=AUTH)
    assert answer.status_code == 400, answer.json
    assert answer.json["error"]["field"] == field
    assert fragment in answer.json["error"]["message"]
    assert db_state(conn) == before
    assert conn.execute("select count(*) from lb.boards").fetchone() == (1,)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"time_zone": "U\u0000TC"}, "time_zone"),
        ({"ends_at": "9999-12-31T23:59:59-01:00"}, "ends_at"),
        ({"reset_every": "P3000000D"}, "reset_every"),
        ({"retain_periods": 1000}, "retain_periods"),
    ],
)
def test_bad_board_changes_are_a_400_naming_the_field(client, conn, body, field):
    conn.execute("select lb.create_board('decade', p_reset => 'fixed', p_reset_every => 'P3650D')")
    before = db_state(conn)
    answer = client.patch("/api/boards/decade", json=body, headers=AUTH)
    assert answer.status_code == 400, answer.json
    assert answer.json["error"]["field"] == field
    assert db_state(conn) == before
    # the board is as it was, and every board read still works
    assert client.get("/api/boards").status_code == 200
    assert client.get("/api/boards/decade/top").status_code == 200


@pytest.mark.parametrize(
    ("written", "shown"),
    [("P28D", "P28D"), ("P365D", "P365D"), ("P2W", "P14D"), ("PT90M", "PT1H30M")],
)
def test_durations_read_back_as_they_are_stored(client, written, shown):
    answer = client.post(
        "/api/boards",
        json={"id": "season", "reset": "fixed", "reset_every": written},
        headers=AUTH,
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["data"]["reset_every"] == shown
    assert client.get("/api/boards/season").json["data"]["reset_every"] == shown


def test_a_board_id_with_a_trailing_newline_is_a_400(client):
    for path in (
        "/api/boards/global%0A/top",
        "/api/boards/global%0A",
        "/api/boards/global%0A/stream",
    ):
        answer = client.get(path)
        assert answer.status_code == 400, (path, answer.json)
        assert answer.json["error"]["field"] == "board"


def test_an_unauthenticated_seed_is_a_401_whatever_its_body(client, conn):
    before = db_state(conn)
    for body in ({"user_count": 0}, {"user_count": "x"}, {"nope": 1}):
        answer = client.post("/api/leaderboard/seed", json=body)
        assert answer.status_code == 401, answer.json
    assert db_state(conn) == before


def test_admin_writes_from_another_origin_are_refused_even_in_development(dev_client, conn):
    before = db_state(conn)
    evil = {"Origin": "http://evil.example"}
    for method, path, body in (
        ("post", "/api/boards", {"id": "csrf"}),
        ("post", "/api/leaderboard/seed", {"user_count": 5}),
        ("patch", "/api/boards/global", {"retain_periods": 3}),
        ("delete", "/api/boards/global", None),
    ):
        answer = getattr(dev_client, method)(path, json=body, headers=evil)
        assert answer.status_code == 403, (path, answer.json)
        assert answer.json["error"]["code"] == "CROSS_ORIGIN"
        assert "Access-Control-Allow-Origin" not in answer.headers
    # no preflight may approve one either
    preflight = dev_client.options(
        "/api/boards",
        headers={**evil, "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert db_state(conn) == before
    # the dashboard on this server (its own origin) may
    own = dev_client.post(
        "/api/boards", json={"id": "mine"}, headers={"Origin": "http://localhost"}
    )
    assert own.status_code == 201, own.json
    # and the public API stays open to pages anywhere, as the original's was
    read = dev_client.get("/api/leaderboard/top", headers=evil)
    assert read.headers["Access-Control-Allow-Origin"] in {"*", "http://evil.example"}


def test_a_key_given_twice_is_refused(client, conn):
    player = conn.execute("select lb.create_player('twice')").fetchone()[0]
    before = db_state(conn)
    answer = client.post(
        "/api/leaderboard/submit",
        data=f'{{"user_id": {player}, "score": 1, "score": 999999}}',
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert answer.json["error"]["code"] == "INVALID_JSON"
    assert "'score' more than once" in answer.json["error"]["message"]
    assert db_state(conn) == before


def test_the_last_representable_instant_is_a_time_like_any_other(client, conn):
    """9999-12-31T23:59:59.999999Z, the documented maximum, was a 500 as a period (through a
    float it rounds into year 10000) and, as a board's end, broke every board listing."""
    top = "9999-12-31T23:59:59.999999Z"
    for path in ("/api/boards/global/top", "/api/boards/global/rank/1"):
        answer = client.get(path, query_string={"period": top})
        assert answer.status_code == 404, answer.json
        assert answer.json["error"]["code"] == "PERIOD_NOT_FOUND"
    made = client.post(
        "/api/boards",
        json={"id": "forever", "starts_at": "0001-01-01T00:00:00Z", "ends_at": top},
        headers=AUTH,
    )
    assert made.status_code == 201, made.json
    assert made.json["data"]["ends_at"] == "9999-12-31T23:59:59.999Z"
    assert client.get("/api/boards").status_code == 200
    assert client.get("/api/boards/forever").status_code == 200


@pytest.mark.parametrize(
    "period",
    ["2026-11-30T00:00:00Z\x00", "2026-11-30T00:00:00-00:00:00.999999", "2026-11-30", "x"],
)
def test_a_period_not_written_as_one_is_a_400(client, conn, period):
    conn.execute("select lb.create_board('weekly', p_reset => 'weekly')")
    answer = client.get("/api/boards/weekly/top", query_string={"period": period})
    assert answer.status_code == 400, answer.json
    assert answer.json["error"]["field"] == "period"


def test_development_admin_is_open_only_at_localhost(dev_client, conn):
    """DNS rebinding: a page on a domain pointed at 127.0.0.1 is same-origin with itself and
    passed the origin check; in development mode admin actions need a loopback host."""
    before = db_state(conn)
    rebound = {"Host": "evil.example:3001", "Origin": "http://evil.example:3001"}
    for method, path, body in (
        ("post", "/api/boards", {"id": "rebound"}),
        ("post", "/api/leaderboard/seed", {"user_count": 5}),
        ("delete", "/api/boards/global", None),
    ):
        answer = getattr(dev_client, method)(path, json=body, headers=rebound)
        assert answer.status_code == 403, (path, answer.json)
    assert db_state(conn) == before
    for n, host in enumerate(("localhost:3001", "127.0.0.1:3001", "[::1]:3001")):
        answer = dev_client.post("/api/boards", json={"id": f"local-{n}"}, headers={"Host": host})
        assert answer.status_code == 201, (host, answer.json)


def test_a_cached_top_10_that_does_not_read_is_ignored_and_replaced(
    client, conn, database_url, redis_url, redis_client
):
    """A corrupt cache (set by hand, here) failed every GET /top with a 500 and every build
    after it; reads now take the live path and the next build writes it again."""
    from tests.support.bridge import KEYS, BridgeThread, settings_for, wait_until

    conn.execute("select * from lb.seed(30, 90, 0.2)")
    redis_client.set(KEYS.top10("global"), "x")
    answer = client.get("/api/leaderboard/top")
    assert answer.status_code == 200
    assert answer.json["cached"] is False
    with BridgeThread(settings_for(database_url, redis_url)):
        wait_until(
            lambda: (
                client.get("/api/leaderboard/top?limit=10").json.get("cached") is True
                or redis_client.get(KEYS.top10("global")) != b"x"
            ),
            message="the cache written again",
        )


def test_made_up_board_names_do_not_grow_the_memo():
    from web.directory import MEMO_KEYS, _Memo

    memo = _Memo()
    for n in range(3 * MEMO_KEYS):
        memo.get(f"nope-{n}", lambda: None)
    assert len(memo._values) <= MEMO_KEYS
