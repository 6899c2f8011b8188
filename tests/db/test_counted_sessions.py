"""Which sessions a board counts (lb.boards.counted_sessions): those submitted while it is
enabled, from its creation on, or the whole log when backfilled. Submits, recompute, verify,
repair and the bulk fill share that one rule (issue 27: verify reported every entry of a
board created without --backfill as missing, and --repair then backfilled it)."""

from __future__ import annotations

import threading

import pytest

from tests.support.db import assert_rejected


def entries(conn, board: str) -> dict[int, int]:
    return dict(
        conn.execute(
            "select user_id, total_score from lb.top_players(100, 0, %s)", (board,)
        ).fetchall()
    )


def verify(conn, board: str) -> list[tuple]:
    return conn.execute("select * from lb.verify_board(%s)", (board,)).fetchall()


def counted(conn, board: str) -> str:
    return conn.execute(
        "select counted_sessions::text from lb.boards where board_id = %s", (board,)
    ).fetchone()[0]


@pytest.fixture
def played(conn):
    """Twenty players with sessions, before any board but global."""
    conn.execute("select * from lb.seed(20, 200, 0.3)")
    return conn


def test_a_board_created_without_backfill_verifies_clean_and_counts_only_new_sessions(played):
    conn = played
    conn.execute("select lb.create_board('season')")
    assert verify(conn, "season") == []  # was: 20 missing_entry, one per player
    assert entries(conn, "season") == {}
    conn.execute("select lb.submit_score(3, 50)")
    assert entries(conn, "season") == {3: 50}
    assert verify(conn, "season") == []
    # a recompute rewrites what the board counts, and no more: it does not backfill
    assert conn.execute("select lb.recompute_board('season')").fetchone()[0] == 1
    assert entries(conn, "season") == {3: 50}
    assert conn.execute("select * from lb.repair_board('season')").fetchone() == (0, 0, 0)
    assert verify(conn, "season") == []


def test_a_backfilled_board_counts_the_whole_log(played):
    conn = played
    conn.execute("select lb.create_board('season', p_backfill => true)")
    assert counted(conn, "season") == "{(,)}"
    assert entries(conn, "season") == entries(conn, "global")
    assert verify(conn, "season") == []


def test_a_disabled_stretch_is_not_counted_and_a_recompute_agrees(played):
    conn = played
    conn.execute("select lb.create_board('season')")
    conn.execute("select lb.submit_score(1, 10)")
    conn.execute("select lb.update_board('season', p_enabled => false)")
    conn.execute("select lb.submit_score(1, 100)")  # while disabled: not on this board
    conn.execute("select lb.update_board('season', p_enabled => true)")
    conn.execute("select lb.submit_score(1, 1000)")
    assert entries(conn, "season") == {1: 1010}
    assert verify(conn, "season") == []
    conn.execute("select lb.recompute_board('season')")
    assert entries(conn, "season") == {1: 1010}
    # disabling or enabling again where it already is changes nothing
    before = counted(conn, "season")
    conn.execute("select lb.update_board('season', p_enabled => true)")
    assert counted(conn, "season") == before


def test_a_board_created_disabled_counts_nothing_until_enabled(played):
    conn = played
    conn.execute("select lb.create_board('later', p_enabled => false)")
    conn.execute("select lb.submit_score(2, 5)")
    conn.execute("select lb.update_board('later', p_enabled => true)")
    conn.execute("select lb.submit_score(2, 7)")
    conn.execute("select lb.recompute_board('later')")
    assert entries(conn, "later") == {2: 7}
    assert verify(conn, "later") == []


def test_after_clear_all_an_enabled_board_counts_every_new_session(played):
    conn = played
    conn.execute("select lb.create_board('season')")
    conn.execute("select lb.clear_all()")  # session ids start again at 1
    conn.execute("select * from lb.seed(5, 20, 0.1)")
    assert verify(conn, "season") == []
    assert sorted(entries(conn, "season")) == sorted(entries(conn, "global"))


def test_submits_racing_a_board_creation_are_counted_exactly_once(conn, connect):
    """Sessions committed while boards are created and toggled: each is on the board exactly
    when the board's recorded ranges say so, which verify checks entry by entry."""
    conn.execute("select * from lb.seed(10, 0, 0.2)")
    stop = threading.Event()
    errors: list[BaseException] = []

    def submit(n: int) -> None:
        writer = connect()
        try:
            i = 0
            while not stop.is_set():
                writer.execute("select lb.submit_score(%s, %s)", (1 + (i + n) % 10, 1 + i % 50))
                i += 1
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    try:
        admin = connect()
        for n in range(6):
            admin.execute("select lb.create_board(%s)", (f"b{n}",))
            admin.execute("select lb.update_board(%s, p_enabled => false)", (f"b{n}",))
            admin.execute("select lb.update_board(%s, p_enabled => true)", (f"b{n}",))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors
    for n in range(6):
        assert verify(conn, f"b{n}") == [], f"b{n}"


def test_a_period_outside_the_representable_times_is_a_bad_argument(api):
    api.execute("select lb.create_board('weekly', p_reset => 'weekly')")
    for period in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "infinity"):
        error = assert_rejected(
            api,
            "22023",
            "must be a time from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z",
            "select * from lb.top_players(10, 0, 'weekly', %s)",
            (period,),
        )
        assert error.diag.column_name == "p_period"


def test_an_end_past_year_9999_is_refused_on_update(api):
    api.execute("select lb.create_board('event')")
    error = assert_rejected(
        api,
        "22023",
        "p_ends_at must be a time from",
        "select * from lb.update_board('event', p_ends_at => %s)",
        ("9999-12-31T23:59:59-01:00",),
    )
    assert error.diag.column_name == "p_ends_at"


def test_longer_retention_that_reaches_before_year_1_is_refused_on_update(api):
    api.execute("select lb.create_board('decade', p_reset => 'fixed', p_reset_every => 'P3650D')")
    error = assert_rejected(
        api,
        "22023",
        "reaches back to periods before 0001-01-01",
        "select * from lb.update_board('decade', p_retain_periods => 1000)",
    )
    assert error.diag.column_name == "p_retain_periods"


def test_feed_boards_reports_a_board_it_cannot_compute_and_lists_the_others(conn):
    """A time zone gone from the server's database (an OS upgrade) must not stop the feed of
    every other board: lb.feed_boards gives that board a problem and no bounds."""
    conn.execute("select lb.create_board('berlin', p_reset => 'daily', p_time_zone => 'UTC')")
    conn.execute("select lb.create_board('weekly', p_reset => 'weekly')")
    conn.execute("update lb.boards set time_zone = 'Gone/Away' where board_id = 'berlin'")
    rows = {
        r[0]: r[1:]
        for r in conn.execute(
            "select board_id, current_start, problem from lb.feed_boards()"
        ).fetchall()
    }
    assert rows["berlin"][0] is None
    assert "Gone/Away" in rows["berlin"][1]
    assert rows["weekly"][0] is not None
    assert rows["weekly"][1] is None
    assert rows["global"][1] is None
    conn.execute("select lb.prune_periods()")  # skips it, prunes the rest
