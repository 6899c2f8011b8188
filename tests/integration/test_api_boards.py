"""/api/boards against real PostgreSQL and Redis: listing, reads by board and period from the
index and from PostgreSQL, admin life cycle, submit's `boards`, and every error with its code,
status and nothing written."""

from __future__ import annotations

import psycopg
import pytest

from bridge.status import Status
from bridge.syncer import Syncer
from leaderboard.feed import ChangeFeed
from leaderboard.index.writer import IndexWriter
from tests.support.bridge import KEYS
from tests.support.db import db_state
from tests.support.servers import ADMIN_TOKEN

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
SUBMIT = "/api/leaderboard/submit"


def players(conn, n, prefix="h"):
    return [
        conn.execute("select lb.create_player(%s)", (f"{prefix}{i}",)).fetchone()[0]
        for i in range(n)
    ]


def api_time(moment):
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def board_period(conn, board):
    return conn.execute(
        "select period_start, period_end, players from lb.boards() where board_id = %s", (board,)
    ).fetchone()


@pytest.fixture
def sync(database_url, redis_client):
    """Bring the index up to date, as a bridge would, on demand."""
    with psycopg.connect(database_url, autocommit=True) as feed_conn:
        syncer = Syncer(ChangeFeed(feed_conn), IndexWriter(redis_client, KEYS), Status())

        def run():
            syncer.verify()
            syncer.sync_once()

        yield run


def create_boards(conn):
    conn.execute("select lb.create_board('weekly', p_reset => 'weekly')")
    conn.execute(
        "select lb.create_board('ranked-best', p_game_mode => 'ranked', p_aggregate => 'best',"
        " p_tie_break => 'earliest')"
    )
    conn.execute("select lb.create_board('casual', p_game_mode => 'casual')")
    conn.execute("select lb.create_board('off', p_enabled => false)")


@pytest.fixture
def boards(conn):
    create_boards(conn)


@pytest.fixture
def api_boards(api):
    """The same boards through the API under test: one node, or the sharded proxy (the
    tests that take it run against both)."""
    create_boards(api)


# -- listing ---------------------------------------------------------------------------------


def test_the_list_has_every_enabled_board_global_first(api_client, api, api_boards):
    (p,) = players(api, 1)
    api.execute("select lb.submit_score(%s, 5, 'ranked')", (p,))
    response = api_client.get("/api/boards")
    assert response.status_code == 200
    data = response.json["data"]
    assert [b["id"] for b in data] == ["global", "casual", "ranked-best", "weekly"]
    weekly = data[-1]
    sql = api.execute(
        "select period_start, period_end, players from lb.boards() where board_id = 'weekly'"
    ).fetchone()
    assert weekly["reset"] == "weekly"
    assert weekly["period"]["start"] == sql[0].isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )
    assert weekly["next_reset_at"] == weekly["period"]["end"]
    assert weekly["players"] == sql[2] == 1
    assert data[0]["period"] == {"start": None, "end": None}
    assert data[0]["next_reset_at"] is None


def test_one_board_lists_its_readable_periods(api_client, api):
    api.execute("select lb.create_board('daily', p_reset => 'daily', p_retain_periods => 2)")
    body = api_client.get("/api/boards/daily").json
    assert body["data"]["id"] == "daily"
    assert len(body["data"]["periods"]) == 3
    assert all(p["players"] == 0 for p in body["data"]["periods"])


# -- reads -----------------------------------------------------------------------------------


def test_reads_of_a_board_carry_board_and_period_and_agree_with_sql(client, conn, boards, sync):
    a, b, c = players(conn, 3)
    for uid, score, mode in ((a, 100, "ranked"), (b, 100, "ranked"), (c, 50, "casual")):
        conn.execute("select lb.submit_score(%s, %s, %s)", (uid, score, mode))
    sync()
    top = client.get("/api/boards/ranked-best/top").json
    assert top["board"] == "ranked-best"
    assert top["period"] == {"start": None, "end": None}
    assert top["source"] == "redis"
    assert [(r["rank"], r["user_id"], r["total_score"]) for r in top["data"]] == [
        (1, a, 100),
        (2, b, 100),
    ]
    rank = client.get(f"/api/boards/ranked-best/rank/{b}").json
    assert (rank["data"]["rank"], rank["source"]) == (2, "redis")
    around = client.get(f"/api/boards/ranked-best/around/{b}?radius=1").json
    assert [r["user_id"] for r in around["data"]] == [a, b]
    casual = client.get("/api/boards/casual/top").json
    assert [r["user_id"] for r in casual["data"]] == [c]
    # a player with nothing on a board: rank null, total 0, as on the global board; the
    # index knows the player (its name), so PostgreSQL is not asked
    nothing = client.get(f"/api/boards/casual/rank/{a}").json
    assert nothing["data"] == {"user_id": a, "username": "h0", "total_score": 0, "rank": None}
    assert nothing["source"] == "redis"
    sql = conn.execute(
        "select user_id, username, total_score, rank from lb.player_rank(%s, 'casual')", (a,)
    ).fetchone()
    assert tuple(nothing["data"].values()) == sql
    # a player the index has never seen, and an unknown id: PostgreSQL decides
    (quiet,) = players(conn, 1, prefix="quiet")
    never = client.get(f"/api/boards/casual/rank/{quiet}").json
    assert (never["data"]["rank"], never["source"]) == (None, "postgres")
    assert client.get("/api/boards/casual/rank/999999").status_code == 404


def test_without_the_index_reads_come_from_postgres(client, conn, boards):
    (a,) = players(conn, 1)
    conn.execute("select lb.submit_score(%s, 7, 'ranked')", (a,))
    top = client.get("/api/boards/weekly/top").json
    assert top["source"] == "postgres"
    assert top["data"][0]["total_score"] == 7
    start = conn.execute(
        "select period_start from lb.boards() where board_id = 'weekly'"
    ).fetchone()
    assert top["period"]["start"] == start[0].isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )


def test_the_previous_period_is_read_by_name_or_by_start(client, conn, sync):
    (a,) = players(conn, 1)
    conn.execute(
        "select lb.create_board('short', p_reset => 'fixed', p_reset_every => '3 seconds',"
        " p_reset_anchor => '2026-01-01 00:00')"
    )
    conn.execute("select lb.submit_score(%s, 42)", (a,))
    started, ended = conn.execute(
        "select period_start, period_end from lb.player_rank(%s, 'short')", (a,)
    ).fetchone()
    # into the next period (3 s long): the one with the submit is now the previous one
    conn.execute("select pg_sleep(greatest(0, extract(epoch from %s - now()) + 0.2))", (ended,))
    sync()
    previous = client.get("/api/boards/short/top?period=previous")
    assert previous.status_code == 200, previous.json
    assert [r["total_score"] for r in previous.json["data"]] == [42]
    assert previous.json["period"] == {"start": api_time(started), "end": api_time(ended)}
    by_start = client.get("/api/boards/short/top?period=" + api_time(started)).json
    assert by_start["data"] == previous.json["data"]
    assert by_start["period"] == previous.json["period"]
    assert client.get("/api/boards/short/top").json["data"] == []  # a new period, empty


@pytest.mark.parametrize(
    ("path", "status", "code", "field"),
    [
        ("/api/boards/nope/top", 404, "BOARD_NOT_FOUND", "board"),
        ("/api/boards/nope", 404, "BOARD_NOT_FOUND", None),
        ("/api/boards/nope/rank/1", 404, "BOARD_NOT_FOUND", "board"),
        ("/api/boards/Bad!/top", 400, "VALIDATION_ERROR", "board"),
        ("/api/boards/weekly/top?period=yesterday", 400, "VALIDATION_ERROR", "period"),
        ("/api/boards/weekly/top?period=2026-01-01T00:00:00", 400, "VALIDATION_ERROR", "period"),
        ("/api/boards/weekly/top?period=2001-01-01T00:00:00Z", 404, "PERIOD_NOT_FOUND", None),
        ("/api/boards/weekly/top?period=2026-12-02T12:34:56Z", 404, "PERIOD_NOT_FOUND", None),
        ("/api/boards/global/top?period=previous", 404, "PERIOD_NOT_FOUND", None),
        ("/api/boards/weekly/top?limit=101", 400, "VALIDATION_ERROR", "limit"),
        ("/api/boards/weekly/rank/0", 400, "VALIDATION_ERROR", "user_id"),
        ("/api/boards/weekly/rank/999999", 404, "NOT_FOUND", "user_id"),
        ("/api/boards/nope/stream", 404, "BOARD_NOT_FOUND", None),
    ],
)
def test_bad_reads_answer_with_a_code(api_client, api, api_boards, path, status, code, field):
    response = api_client.get(path)
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    if field:
        assert response.json["error"].get("field") == field


# -- admin -----------------------------------------------------------------------------------


def test_create_update_delete_a_board_with_the_token(api_client, api):
    created = api_client.post(
        "/api/boards",
        json={
            "id": "season",
            "reset": "fixed",
            "reset_every": "P28D",
            "reset_anchor": "2026-01-05T00:00:00",
            "time_zone": "Europe/Berlin",
        },
        headers=ADMIN,
    )
    assert created.status_code == 201, created.json
    assert created.json["data"]["reset_every"] == "P28D"
    assert created.json["data"]["time_zone"] == "Europe/Berlin"
    updated = api_client.patch(
        "/api/boards/season", json={"enabled": False, "retain_periods": 3}, headers=ADMIN
    )
    assert (updated.json["data"]["enabled"], updated.json["data"]["retain_periods"]) == (False, 3)
    assert "season" not in [b["id"] for b in api_client.get("/api/boards").json["data"]]
    deleted = api_client.delete("/api/boards/season", headers=ADMIN)
    assert deleted.json["data"] == {"id": "season", "entries_deleted": 0}
    assert api_client.get("/api/boards/season").status_code == 404


def test_a_backfilled_board_has_the_past(api_client, api):
    (a,) = players(api, 1)
    api.execute("select lb.submit_score(%s, 9, 'ranked')", (a,))
    created = api_client.post(
        "/api/boards", json={"id": "ranked", "game_mode": "ranked", "backfill": True}, headers=ADMIN
    )
    assert created.json["data"]["players"] == 1


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code", "field"),
    [
        ("post", "/api/boards", {"id": "Bad"}, 400, "VALIDATION_ERROR", "id"),
        (
            "post",
            "/api/boards",
            {"id": "x", "aggregate": "max"},
            400,
            "VALIDATION_ERROR",
            "aggregate",
        ),
        (
            "post",
            "/api/boards",
            {"id": "x", "time_zone": "Mars/Base"},
            400,
            "VALIDATION_ERROR",
            "time_zone",
        ),
        (
            "post",
            "/api/boards",
            {"id": "x", "reset": "fixed"},
            400,
            "VALIDATION_ERROR",
            "reset_every",
        ),
        (
            "post",
            "/api/boards",
            {"id": "x", "retain_periods": 5000},
            400,
            "VALIDATION_ERROR",
            "retain_periods",
        ),
        ("post", "/api/boards", {"id": "x", "colour": "red"}, 400, "VALIDATION_ERROR", "colour"),
        ("post", "/api/boards", {"id": "weekly"}, 409, "BOARD_EXISTS", "id"),
        (
            "patch",
            "/api/boards/weekly",
            {"aggregate": "best"},
            400,
            "VALIDATION_ERROR",
            "aggregate",
        ),
        ("patch", "/api/boards/global", {"enabled": False}, 400, "VALIDATION_ERROR", "enabled"),
        ("patch", "/api/boards/nope", {"enabled": False}, 404, "BOARD_NOT_FOUND", "board"),
        ("delete", "/api/boards/global", None, 400, "VALIDATION_ERROR", "board"),
        ("delete", "/api/boards/nope", None, 404, "BOARD_NOT_FOUND", "board"),
    ],
)
def test_bad_admin_calls_write_nothing(
    api_client, api, api_boards, method, path, body, status, code, field
):
    before = db_state(api)
    kwargs = {"json": body} if body is not None else {}
    response = getattr(api_client, method)(path, headers=ADMIN, **kwargs)
    assert response.status_code == status, response.json
    assert response.json["error"]["code"] == code
    assert response.json["error"].get("field") == field
    assert db_state(api) == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/boards", {"id": "new"}),
        ("patch", "/api/boards/weekly", {"enabled": False}),
        ("delete", "/api/boards/weekly", None),
    ],
)
def test_admin_calls_need_the_token(api_client, api, api_boards, method, path, body):
    before = db_state(api)
    kwargs = {"json": body} if body is not None else {}
    response = getattr(api_client, method)(path, **kwargs)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "UNAUTHORIZED"
    wrong = getattr(api_client, method)(path, headers={"Authorization": "Bearer wrong"}, **kwargs)
    assert wrong.status_code == 401
    assert db_state(api) == before


def test_development_mode_opens_board_admin_without_a_token(make_app, conn):
    client = make_app(env="development", admin_tokens=()).test_client()
    assert client.post("/api/boards", json={"id": "dev"}).status_code == 201


# -- submit ----------------------------------------------------------------------------------


def test_submit_says_which_boards_the_session_counted_on(api_client, api, api_boards):
    (a,) = players(api, 1)
    first = api_client.post(SUBMIT, json={"user_id": a, "score": 30, "game_mode": "ranked"})
    assert first.status_code == 201
    data = first.json["data"]
    assert (data["user_id"], data["score"], data["total_score"]) == (a, 30, 30)
    counted = {b["board"]: b for b in data["boards"]}
    assert list(counted) == ["global", "ranked-best", "weekly"]  # not casual, not off
    assert counted["ranked-best"]["value"] == 30
    assert counted["ranked-best"]["period_start"] is None
    second = api_client.post(SUBMIT, json={"user_id": a, "score": 20, "game_mode": "ranked"}).json
    values = {b["board"]: b["value"] for b in second["data"]["boards"]}
    assert values == {"global": 50, "ranked-best": 30, "weekly": 50}
    week = api.execute("select period_start from lb.boards() where board_id = 'weekly'").fetchone()[
        0
    ]
    assert second["data"]["boards"][-1]["period_start"] == week.isoformat(
        timespec="milliseconds"
    ).replace("+00:00", "Z")


def test_a_retried_submit_answers_exactly_as_the_first(api_client, api, api_boards):
    (a,) = players(api, 1)
    headers = {"Idempotency-Key": "m-1"}
    first = api_client.post(
        SUBMIT, json={"user_id": a, "score": 40, "game_mode": "ranked"}, headers=headers
    )
    api_client.post(SUBMIT, json={"user_id": a, "score": 1, "game_mode": "ranked"})
    retry = api_client.post(
        SUBMIT, json={"user_id": a, "score": 40, "game_mode": "ranked"}, headers=headers
    )
    assert retry.json == first.json
    assert {b["board"]: b["value"] for b in retry.json["data"]["boards"]}["weekly"] == 40


def test_the_original_paths_are_the_global_board(client, conn, boards, sync):
    a, b = players(conn, 2)
    conn.execute("select lb.submit_score(%s, 10, 'casual')", (a,))
    conn.execute("select lb.submit_score(%s, 20, 'ranked')", (b,))
    sync()
    old = client.get("/api/leaderboard/top?limit=5").json
    new = client.get("/api/boards/global/top?limit=5").json
    assert old["data"] == new["data"]
    assert "board" not in old
    assert "period" not in old
    assert (
        client.get(f"/api/leaderboard/rank/{a}").json["data"]
        == client.get(f"/api/boards/global/rank/{a}").json["data"]
    )
