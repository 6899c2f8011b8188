"""lb.verify_board and lb.repair_board in SQL: what the log implies, and a repair that runs
while the same players keep submitting loses nothing and counts nothing twice."""

from __future__ import annotations

import threading

import pytest


@pytest.fixture
def board_rows(conn):
    conn.execute("select * from lb.seed(50, 500, 0.9)")
    conn.execute(
        "select lb.create_board('best', p_aggregate => 'best', p_tie_break => 'earliest',"
        " p_backfill => true)"
    )
    return conn


def mismatches(conn, board: str) -> list[tuple]:
    return conn.execute("select * from lb.verify_board(%s)", (board,)).fetchall()


@pytest.mark.parametrize("board", ["global", "best"])
def test_a_repair_racing_submits_of_the_same_players_loses_nothing(
    board_rows, conn, connect, board
):
    conn.execute(
        "update lb.board_entries set value = value + 1000 where user_id <= 10"
        " and board_no = (select board_no from lb.boards where board_id = %s)",
        (board,),
    )
    assert len([m for m in mismatches(conn, board) if m[0] == "value"]) == 10
    stop = threading.Event()
    errors: list[BaseException] = []
    sent = [0]

    def hammer(n: int) -> None:
        writer = connect()
        try:
            while not stop.is_set():
                user = 1 + (sent[0] + n) % 10  # exactly the players being repaired
                writer.execute("select lb.submit_score(%s, %s)", (user, 1 + sent[0] % 997))
                sent[0] += 1
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    try:
        repaired = []
        for _ in range(3):  # repairs while submits go on, each a transaction of its own
            repaired.append(
                connect().execute("select * from lb.repair_board(%s)", (board,)).fetchone()
            )
            connect().execute("select lb.repair_histogram(%s)", (board,))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors, errors
    assert sent[0] > 0
    assert repaired[0][0] >= 10  # the ten wrong entries, at least
    assert mismatches(conn, board) == []  # entries, ties and histogram equal the log again


def test_repairing_a_consistent_board_changes_nothing(board_rows, conn):
    before = conn.execute(
        "select board_no, nullif(period_start, '-infinity'), user_id, value,"
        " nullif(tie_at, '-infinity'), changed_xid"
        " from lb.board_entries order by 1, 2, 3"
    ).fetchall()
    epochs = conn.execute("select board_id, epoch from lb.boards order by 1").fetchall()
    for board in ("global", "best"):
        assert mismatches(conn, board) == []
        assert conn.execute("select * from lb.repair_board(%s)", (board,)).fetchone() == (0, 0, 0)
        assert conn.execute("select lb.repair_histogram(%s)", (board,)).fetchone() == (0,)
    assert (
        conn.execute(
            "select board_no, nullif(period_start, '-infinity'), user_id, value,"
            " nullif(tie_at, '-infinity'), changed_xid"
            " from lb.board_entries order by 1, 2, 3"
        ).fetchall()
        == before
    )
    assert conn.execute("select board_id, epoch from lb.boards order by 1").fetchall() == epochs


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("select * from lb.verify_board('nope')", "board 'nope' does not exist"),
        ("select * from lb.repair_board(null)", "p_board"),
        ("select * from lb.repair_board('global', '2026-01-01')", "never resets"),
    ],
)
def test_bad_arguments_are_refused_and_change_nothing(board_rows, conn, call, message):
    import psycopg

    before = conn.execute("select sum(value), count(*) from lb.board_entries").fetchone()
    with pytest.raises(psycopg.Error, match=message):
        conn.execute(call)
    assert conn.execute("select sum(value), count(*) from lb.board_entries").fetchone() == before
