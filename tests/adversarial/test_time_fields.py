"""Every boundary value of every time field, through SQL, HTTP and the CLI (issue 27): a board
time past year 9999 broke every board read, a century-long retention stopped the bridge, a
period of year 1 with an offset was a 500 and a traceback. Property: a board any of the three
accepts can be listed, read, fed and pruned; anything else is refused (22023 naming the
argument, 400 naming the field, exit 2) and writes nothing."""

from __future__ import annotations

import contextlib
import io
from datetime import timedelta

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaderboard import cli, rules
from leaderboard.clock import InstantError, parse_instant
from tests.support.db import db_state
from tests.support.servers import ADMIN_TOKEN

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@st.composite
def instants(draw) -> str:
    """ISO 8601 times at and around the representable range's ends, and ordinary ones, with
    offsets up to a day either way and up to nine decimal places."""
    year = draw(
        st.one_of(
            st.sampled_from([1, 2, 1969, 1970, 2026, 9998, 9999]),
            st.integers(min_value=1, max_value=9999),
        )
    )
    month = draw(st.sampled_from([1, 6, 12]))
    day = draw(st.sampled_from([1, 15, 28, 31 if month == 12 else 28]))
    clock = draw(st.sampled_from(["00:00:00", "12:30:00", "23:59:59"]))
    digits = draw(st.integers(min_value=0, max_value=9))
    fraction = "." + "9" * digits if digits else ""
    zone = draw(st.sampled_from(["Z", "+00:00", "+01:00", "-01:00", "+14:00", "-12:00", ""]))
    return f"{year:04d}-{month:02d}-{day:02d}T{clock}{fraction}{zone}"


def representable(raw: str) -> bool:
    """What every client can show: the rule rules.MIN_TIME .. MAX_TIME, read by clock."""
    try:
        parse_instant(raw)
    except InstantError:
        return False
    return True


def attempt(conn: psycopg.Connection, query: str, params: tuple) -> psycopg.Error | None:
    try:
        conn.execute(query, params)
    except psycopg.Error as exc:
        return exc
    return None


def readable_everywhere(conn: psycopg.Connection, board: str) -> None:
    """Listed, read, fed and pruned, as a bridge and the web app would."""
    listed = {row[0] for row in conn.execute("select board_id from lb.boards()").fetchall()}
    assert board in listed
    conn.execute("select * from lb.top_players(10, 0, %s)", (board,)).fetchall()
    conn.execute("select * from lb.board_periods(%s)", (board,)).fetchall()
    fed = {r[0]: r[1] for r in conn.execute("select board_id, problem from lb.feed_boards()")}
    assert fed[board] is None
    conn.execute("select lb.prune_periods()")


@given(ends_at=instants())
@EXAMPLES
def test_sql_accepts_exactly_the_representable_ends(conn, ends_at):
    conn.execute("select lb.delete_board(board_id) from lb.boards() where board_id = 'edge'")
    before = db_state(conn)
    boards = conn.execute("select count(*) from lb.boards").fetchone()
    error = attempt(conn, "select lb.create_board('edge', p_ends_at => %s)", (ends_at,))
    if error is not None:
        assert error.sqlstate in ("22023", "22007", "22008", "22009"), (ends_at, error)
        if error.sqlstate == "22023":
            assert error.diag.column_name == "p_ends_at"
        assert conn.execute("select count(*) from lb.boards").fetchone() == boards
        assert db_state(conn) == before
        # PostgreSQL reads more digits (and some zones) than clients may send; what it
        # refuses, a client may not send either
        assert not representable(ends_at) or error.sqlstate != "22023", ends_at
        return
    readable_everywhere(conn, "edge")
    stored = conn.execute("select ends_at from lb.boards where board_id = 'edge'").fetchone()[0]
    assert rules.MIN_TIME <= stored <= rules.MAX_TIME


@st.composite
def fixed_boards(draw) -> dict:
    days = draw(
        st.one_of(
            st.sampled_from([1, 7, 28, 365, 3650, 36525, 36526, 999_999_999]),
            st.integers(min_value=1, max_value=100_000),
        )
    )
    return {
        "reset_every": f"P{days}D",
        "retain_periods": draw(st.sampled_from([0, 1, 8, 100, 200, 1000])),
        "reset_anchor": draw(
            st.sampled_from(["1970-01-05T00:00:00", "0001-01-01T00:00:00", "9999-12-31T00:00:00"])
        ),
        "time_zone": draw(st.sampled_from(["UTC", "Pacific/Kiritimati", "Etc/GMT+12"])),
    }


@given(board=fixed_boards())
@EXAMPLES
def test_http_accepts_a_fixed_board_only_if_every_readable_period_is_representable(
    client, conn, board
):
    conn.execute("select lb.delete_board(board_id) from lb.boards() where board_id = 'fixed'")
    before = db_state(conn)
    answer = client.post(
        "/api/boards", json={"id": "fixed", "reset": "fixed", **board}, headers=AUTH
    )
    assert answer.status_code in (201, 400), (board, answer.json)
    if answer.status_code == 400:
        assert answer.json["error"]["field"] in board, answer.json
        assert db_state(conn) == before
        assert conn.execute("select from lb.boards where board_id = 'fixed'").fetchone() is None
        return
    assert answer.json["data"]["reset_every"] == board["reset_every"]  # as stored
    readable_everywhere(conn, "fixed")
    for path in ("/api/boards", "/api/boards/fixed", "/api/boards/fixed/top"):
        assert client.get(path).status_code == 200, path
    days = int(board["reset_every"][1:-1])
    assert timedelta(days=days) <= rules.MAX_RESET_EVERY


@given(period=instants())
@EXAMPLES
def test_a_period_parameter_is_200_400_or_404_never_500(client, conn, period):
    conn.execute(
        "select lb.create_board('weekly', p_reset => 'weekly') where not exists"
        " (select from lb.boards() where board_id = 'weekly')"
    )
    for path in (
        "/api/boards/weekly/top",
        "/api/boards/weekly/rank/1",
        "/api/boards/weekly/around/1",
    ):
        answer = client.get(path, query_string={"period": period})
        assert answer.status_code in (200, 400, 404), (path, period, answer.json)
        if not representable(period):
            assert answer.status_code == 400, (path, period)
            assert answer.json["error"]["field"] == "period"


def run_cli(monkeypatch, database_url: str, *argv: str) -> tuple[int, str]:
    """`leaderboard ...` in this process: the exit code and what it printed to stderr (an
    exception escaping main() would be the traceback a user saw)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = cli.main(list(argv))
    return code, err.getvalue()


@given(moment=instants())
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_the_cli_exits_0_or_2_for_any_time(monkeypatch, database_url, conn, moment):
    conn.execute("select lb.delete_board(board_id) from lb.boards() where board_id = 'clit'")
    before = db_state(conn)
    code, err = run_cli(monkeypatch, database_url, "boards", "create", "clit", "--ends-at", moment)
    assert code in (0, 2), (moment, err)
    if code == 2:
        assert err.startswith("error[VALIDATION_ERROR]: --ends-at"), err
        assert db_state(conn) == before
    else:
        assert representable(moment)
        readable_everywhere(conn, "clit")
    for command in (
        ("verify", "--board", "global", "--period", moment),
        ("boards", "recompute", "global", "--period", moment),
    ):
        code, err = run_cli(monkeypatch, database_url, *command)
        assert code == 2, (command, err)  # global has no period but the null one
