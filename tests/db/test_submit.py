"""lb.submit_score: the atomic write path, its errors, and idempotency keys."""

import threading

import psycopg
import pytest

from tests.support.db import assert_rejected, db_state

# the columns a submit has always returned (held_by, what a rule held, is tests/db/
# test_held_sessions.py's)
SUBMIT = "select session_id, user_id, score, total_score from lb.submit_score(%s, %s, %s, %s)"


@pytest.fixture
def player(conn):
    return conn.execute("select lb.create_player('player_one')").fetchone()[0]


@pytest.fixture
def api_player(api):
    """A player created through the API under test (one node or the sharded proxy)."""
    return api.execute("select lb.create_player('player_one')").fetchone()[0]


def submit(conn, user_id, score, mode="classic", key=None):
    return conn.execute(SUBMIT, (user_id, score, mode, key)).fetchone()


def test_submit_returns_session_and_running_total(conn, player):
    session_id, user_id, score, total = submit(conn, player, 100)
    assert (user_id, score, total) == (player, 100, 100)
    second = submit(conn, player, 200, "ranked")
    assert second[1:] == (player, 200, 300)
    assert second[0] > session_id
    rows = conn.execute(
        "select score, game_mode from lb.game_sessions where user_id = %s order by id", (player,)
    ).fetchall()
    assert rows == [(100, "classic"), (200, "ranked")]
    assert conn.execute(
        "select value from lb.board_entries where user_id = %s", (player,)
    ).fetchone() == (300,)


def test_game_mode_defaults_to_classic(conn, player):
    conn.execute("select * from lb.submit_score(%s, 5)", (player,))
    assert conn.execute("select game_mode from lb.game_sessions").fetchone() == ("classic",)


@pytest.mark.parametrize("score", [0, 1, 999_999, 1_000_000])
def test_score_bounds_are_inclusive(api, api_player, score):
    assert submit(api, api_player, score)[3] == score


@pytest.mark.parametrize("mode", ["classic", "ranked", "casual", "tournament"])
def test_every_game_mode_is_accepted(api, api_player, mode):
    submit(api, api_player, 1, mode)


@pytest.mark.parametrize(
    ("args", "sqlstate", "fragment"),
    [
        ((None, 1, "classic", None), "22023", "p_user_id must be a positive integer (got null)"),
        ((0, 1, "classic", None), "22023", "p_user_id must be a positive integer"),
        ((-5, 1, "classic", None), "22023", "p_user_id must be a positive integer (got '-5')"),
        (
            ("PLAYER", None, "classic", None),
            "22023",
            "p_score must be an integer from 0 to 1000000",
        ),
        (
            ("PLAYER", -1, "classic", None),
            "22023",
            "p_score must be an integer from 0 to 1000000 (got '-1')",
        ),
        (("PLAYER", 1_000_001, "classic", None), "22023", "p_score must be an integer"),
        (("PLAYER", 1, None, None), "22023", "p_game_mode must be one of classic"),
        (("PLAYER", 1, "arcade", None), "22023", "p_game_mode must be one of classic"),
        (("PLAYER", 1, "Classic", None), "22023", "p_game_mode must be one of classic"),
        (("PLAYER", 1, "classic'; delete from lb.users; --", None), "22023", "p_game_mode"),
        (("PLAYER", 1, "classic", ""), "22023", "p_idempotency_key must be 1 to 255 characters"),
        (("PLAYER", 1, "classic", "k" * 256), "22023", "p_idempotency_key must be 1 to 255"),
        ((987654321, 1, "classic", None), "P0002", "player 987654321 does not exist"),
    ],
)
def test_bad_arguments_are_rejected_and_nothing_is_written(
    api, api_player, args, sqlstate, fragment
):
    args = tuple(api_player if a == "PLAYER" else a for a in args)
    submit(api, api_player, 10)  # some prior state that must survive untouched
    error = assert_rejected(api, sqlstate, fragment, SUBMIT, args)
    assert error.diag.column_name in {"p_user_id", "p_score", "p_game_mode", "p_idempotency_key"}


def test_total_never_exceeds_2_pow_53_minus_1(conn, player):
    submit(conn, player, 1)
    conn.execute(
        "update lb.board_entries set value = 9007199254740991 - 5 where user_id = %s", (player,)
    )
    submit(conn, player, 5)
    error = assert_rejected(
        conn, "22003", "would exceed 9007199254740991", SUBMIT, (player, 1, "classic", None)
    )
    assert error.diag.column_name == "p_score"


def test_idempotent_retry_returns_the_first_result_and_counts_once(api, api_player):
    first = submit(api, api_player, 70, "ranked", "match-1:player_one")
    submit(api, api_player, 5)
    before = db_state(api)
    retry = submit(api, api_player, 70, "ranked", "match-1:player_one")
    assert retry == first  # same session id and the total as it was then
    assert db_state(api) == before


def test_idempotency_key_reused_for_another_payload_is_lb001(api, api_player):
    submit(api, api_player, 70, "ranked", "k-1")
    error = assert_rejected(
        api,
        "LB001",
        "p_idempotency_key 'k-1' was already used",
        SUBMIT,
        (api_player, 71, "ranked", "k-1"),
    )
    assert "score=70" in error.diag.message_detail
    assert_rejected(api, "LB001", "already used", SUBMIT, (api_player, 70, "casual", "k-1"))


def test_concurrent_retries_with_one_key_count_once(conn, connect, player):
    results, errors = [], []

    def worker():
        c = connect()
        try:
            results.append(submit(c, player, 40, "classic", "same-key"))
        except psycopg.Error as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1
    assert db_state(conn)["total"] == 40
    assert db_state(conn)["sessions"] == 1


def test_a_failed_submit_with_a_key_leaves_the_key_free(api, api_player):
    assert_rejected(api, "22023", "p_score", SUBMIT, (api_player, -1, "classic", "k-2"))
    assert submit(api, api_player, 3, "classic", "k-2")[3] == 3


def test_eight_connections_by_250_submits_to_one_player_give_the_exact_total(conn, connect, player):
    errors = []

    def worker(offset):
        c = connect()
        for i in range(250):
            try:
                submit(c, player, offset + i)
            except psycopg.Error as exc:
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n * 1000,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    expected = sum(n * 1000 + i for n in range(8) for i in range(250))
    state = db_state(conn)
    assert state["total"] == expected
    assert state["sessions"] == 2000
    assert conn.execute("select sum(score) from lb.game_sessions").fetchone()[0] == expected
