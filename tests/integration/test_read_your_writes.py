"""Read-your-writes over HTTP: once POST /api/leaderboard/submit has answered 201, reads of
that player through the API reflect it, with no bridge running at all (so nothing but the web
app's echo can have put it in Redis). The echo keeps every bridge guarantee: never backwards,
nothing of another epoch or board, and a rebuild that ran meanwhile does not hide it."""

from __future__ import annotations

import threading
import uuid

import psycopg
import pytest

from leaderboard.feed import ChangeFeed
from leaderboard.index.echo import Echo
from leaderboard.index.rebuild import rebuild_all
from leaderboard.index.writer import IndexWriter
from tests.support.bridge import (
    KEYS,
    BridgeThread,
    redis_entries,
    settings_for,
    sql_entries,
    sql_periods,
    wait_until,
)

BOARDS = {
    "global": False,
    "weekly": False,
    "ranked-best": True,  # earliest ties: members carry the time the value was reached
    "casual-only": False,
}


@pytest.fixture
def built(conn, database_url, redis_client):
    """Boards with players, their index built once, and no bridge: from here on, Redis moves
    only if the web app writes to it."""
    conn.execute("select lb.create_board('weekly', p_reset => 'weekly')")
    conn.execute(
        "select lb.create_board('ranked-best', p_game_mode => 'ranked', p_aggregate => 'best',"
        " p_tie_break => 'earliest')"
    )
    conn.execute("select lb.create_board('casual-only', p_game_mode => 'casual')")
    conn.execute("select * from lb.seed(200, 800, 0.3)")
    writer = IndexWriter(redis_client, KEYS)
    rebuild_all(lambda: psycopg.connect(database_url, autocommit=True), writer)
    return writer


def index_equals_sql(conn, redis_client, board: str) -> bool:
    earliest = BOARDS[board]
    return all(
        redis_entries(redis_client, board, p, earliest) == sql_entries(conn, board, p)
        for p in sql_periods(conn, board)
    )


def sql_rank(conn, user_id: int, board: str) -> tuple:
    return conn.execute(
        "select user_id, username, total_score, rank from lb.player_rank(%s, %s)",
        (user_id, board),
    ).fetchone()


def api_rank(client, user_id: int, board: str) -> tuple:
    answer = client.get(f"/api/boards/{board}/rank/{user_id}").json
    assert answer["source"] == "redis", answer
    data = answer["data"]
    return (data["user_id"], data["username"], data["total_score"], data["rank"])


def test_a_read_after_the_201_sees_the_submit_with_no_bridge_running(
    client, conn, redis_client, built
):
    user_id = conn.execute("select user_id from lb.player_rank(40)").fetchone()[0]
    before = {board: sql_rank(conn, user_id, board) for board in BOARDS}
    cursors = {b: redis_client.hget(KEYS.board_meta(b), "cursor") for b in BOARDS}

    submit = client.post(
        "/api/leaderboard/submit",
        json={"user_id": user_id, "score": 1_000_000, "game_mode": "ranked"},
    )
    assert submit.status_code == 201
    assert "entries" not in submit.json["data"]  # the contract is unchanged

    for board in ("global", "weekly", "ranked-best"):
        now = sql_rank(conn, user_id, board)
        assert now != before[board]  # the submit changed the player's standing there
        assert api_rank(client, user_id, board) == now
        # the whole board, not just this player: Redis equals SQL entry for entry
        assert index_equals_sql(conn, redis_client, board)
    # a board the session did not count on is untouched
    assert api_rank(client, user_id, "casual-only") == before["casual-only"]

    around = client.get(f"/api/leaderboard/around/{user_id}?radius=2").json
    assert around["source"] == "redis"
    assert around["data"] == [
        dict(zip(("rank", "user_id", "username", "total_score"), row, strict=True))
        for row in conn.execute(
            "select rank, user_id, username, total_score from lb.players_around(%s, 2)",
            (user_id,),
        )
    ]
    page = client.get("/api/leaderboard/top?limit=20&offset=0").json  # not the cached top 10
    assert page["source"] == "redis"
    assert [r["user_id"] for r in page["data"]] == [
        u for (u,) in conn.execute("select user_id from lb.top_players(20, 0)")
    ]
    # the echo moved no cursor: the bridge still applies the change itself
    assert {b: redis_client.hget(KEYS.board_meta(b), "cursor") for b in BOARDS} == cursors


def test_ten_concurrent_submits_then_one_read_sees_all_of_them(
    make_app, conn, database_url, redis_url, redis_client, built
):
    # a new player: the echo also brings its username and counts the new member
    user_id = conn.execute("select lb.create_player('echo_newcomer')").fetchone()[0]
    app = make_app()
    scores = [1000 * (n + 1) for n in range(10)]
    answers: list[int] = []

    def submit(score: int) -> None:
        response = app.test_client().post(
            "/api/leaderboard/submit",
            json={"user_id": user_id, "score": score, "game_mode": "ranked"},
        )
        answers.append(response.status_code)

    threads = [threading.Thread(target=submit, args=(s,)) for s in scores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [201] * 10

    client = app.test_client()
    expected = sql_rank(conn, user_id, "global")
    assert expected[1:3] == ("echo_newcomer", sum(scores))
    assert api_rank(client, user_id, "global") == expected
    assert api_rank(client, user_id, "ranked-best") == sql_rank(conn, user_id, "ranked-best")
    assert sql_rank(conn, user_id, "ranked-best")[2] == max(scores)
    for board in BOARDS:
        assert index_equals_sql(conn, redis_client, board)

    # the bridge finds the index consistent (members counted as they were added) and
    # rebuilds nothing: it only catches up, to the same values
    built_at = {b: redis_client.hget(KEYS.board_meta(b), "built_at") for b in BOARDS}
    cursor = redis_client.hget(KEYS.board_meta("global"), "cursor")
    states = built.states(BOARDS)
    assert all(state is not None and state.consistent for state in states.values())
    with BridgeThread(settings_for(database_url, redis_url)):
        wait_until(
            lambda: redis_client.hget(KEYS.board_meta("global"), "cursor") != cursor,
            message="the bridge applied the submits",
        )
        assert all(index_equals_sql(conn, redis_client, b) for b in BOARDS)
    assert {b: redis_client.hget(KEYS.board_meta(b), "built_at") for b in BOARDS} == built_at


def entry(conn, user_id: int, board: str) -> dict:
    """The player's row of lb.session_entries for its latest session on a board."""
    session = conn.execute(
        "select max(id) from lb.game_sessions where user_id = %s", (user_id,)
    ).fetchone()[0]
    rows = conn.execute(
        "select row_to_json(e)::jsonb from lb.session_entries(%s) as e where e.board_id = %s",
        (session, board),
    ).fetchall()
    return rows[0][0]


def test_an_echo_never_goes_backwards_nor_lands_in_another_epoch_or_board(
    conn, redis_client, built
):
    echo = Echo(redis_client, KEYS)
    user_id = conn.execute("select user_id from lb.player_rank(7)").fetchone()[0]
    conn.execute("select lb.submit_score(%s, 500, 'ranked')", (user_id,))
    for board in ("global", "ranked-best"):
        current = entry(conn, user_id, board)
        assert echo.write([current]) == {board: "ok"}
        assert index_equals_sql(conn, redis_client, board)
        shown = redis_entries(redis_client, board, None, BOARDS[board])
        # an older value, as a slow request would echo it after a newer one: ignored
        assert echo.write([{**current, "value": current["value"] - 400}]) == {board: "ok"}
        # the same player's value from another epoch (a clear ran) or another board number
        # (the board was deleted and created again): not written at all
        assert echo.write([{**current, "feed_epoch": current["feed_epoch"] + 1}]) == {
            board: "skipped"
        }
        assert echo.write([{**current, "board_no": current["board_no"] + 100}]) == {
            board: "skipped"
        }
        assert echo.write([{**current, "board_epoch": current["board_epoch"] + 1}]) == {
            board: "skipped"
        }
        assert redis_entries(redis_client, board, None, BOARDS[board]) == shown


def test_a_submit_answered_during_a_rebuild_stays_visible_after_its_install(
    client, conn, database_url, redis_client, built
):
    """The rebuild's snapshot predates the submit, so the sets it installs lack it; the echo
    was journaled while the rebuild ran and the install replays it."""
    writer = built
    user_id = conn.execute("select user_id from lb.player_rank(60)").fetchone()[0]
    with psycopg.connect(database_url, autocommit=True) as feed_conn:
        feed = ChangeFeed(feed_conn)
        board = next(b for b in feed.boards() if b.board_id == "global")
        token = uuid.uuid4().hex
        writer.begin_rebuild("global")
        with feed.snapshot() as position:
            answer = client.post(
                "/api/leaderboard/submit", json={"user_id": user_id, "score": 900_000}
            )
            assert answer.status_code == 201
            assert redis_client.llen(KEYS.journal("global")) == 7  # one entry, seven fields
            counts = writer.load(board, token, position.epoch, feed.entry_batches(board))
            writer.install(board, token, position.snapshot, position.epoch, counts)
    assert api_rank(client, user_id, "global") == sql_rank(conn, user_id, "global")
    assert index_equals_sql(conn, redis_client, "global")
    assert not redis_client.exists(KEYS.rebuilds("global"), KEYS.journal("global"))


def test_without_a_rebuild_running_nothing_is_journaled(client, conn, redis_client, built):
    user_id = conn.execute("select user_id from lb.player_rank(3)").fetchone()[0]
    client.post("/api/leaderboard/submit", json={"user_id": user_id, "score": 5})
    assert not redis_client.exists(KEYS.journal("global"))


def test_an_echo_of_a_cleared_database_is_skipped_until_the_bridge_rebuilds(
    client, conn, database_url, redis_url, redis_client, built
):
    """A clear starts a new epoch: the old index must not take the new epoch's values (a
    reused id would carry someone else's total), and the bridge's rebuild brings them."""
    conn.execute("select lb.clear_all()")
    user_id = conn.execute("select lb.create_player('after_clear')").fetchone()[0]
    before = redis_entries(redis_client, "global", None, False)
    assert (
        client.post("/api/leaderboard/submit", json={"user_id": user_id, "score": 42}).status_code
        == 201
    )
    assert redis_entries(redis_client, "global", None, False) == before
    with BridgeThread(settings_for(database_url, redis_url)):
        wait_until(
            lambda: redis_entries(redis_client, "global", None, False) == [(user_id, 42, None)],
            message="the rebuild of the new epoch",
        )


def test_sql_direct_submits_become_visible_through_the_bridge(
    client, conn, database_url, redis_url, built
):
    """Game servers that call lb.submit_score directly get no echo: their submits show in
    Redis reads when the bridge applies them (docs/ARCHITECTURE.md, propagation lag)."""
    user_id = conn.execute("select user_id from lb.player_rank(90)").fetchone()[0]
    conn.execute("select lb.submit_score(%s, 999999, 'classic')", (user_id,))
    assert api_rank(client, user_id, "global") != sql_rank(conn, user_id, "global")
    with BridgeThread(settings_for(database_url, redis_url)):
        wait_until(
            lambda: api_rank(client, user_id, "global") == sql_rank(conn, user_id, "global"),
            message="the bridge applied the SQL submit",
        )
