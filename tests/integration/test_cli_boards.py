"""`leaderboard boards ...` as an operator runs it: a subprocess, configuration from the
environment, exit codes (0 ok, 2 bad input or unknown board), --json for scripts."""

from __future__ import annotations

import json

import pytest

from tests.support.cli import cli
from tests.support.db import db_state

ACTIONS = ["list", "show", "create", "update", "delete", "recompute"]


@pytest.mark.parametrize("action", [None, *ACTIONS])
def test_every_boards_action_has_help(action):
    result = cli("boards", *([action] if action else []), "--help")
    assert result.returncode == 0
    assert "usage: leaderboard boards" in result.stdout


def test_a_board_from_create_to_delete(database_url, conn):
    env = {"DATABASE_URL": database_url}
    created = cli(
        "boards",
        "create",
        "season",
        "--reset",
        "fixed",
        "--reset-every",
        "P28D",
        "--reset-anchor",
        "2026-01-05",
        "--time-zone",
        "Europe/Berlin",
        "--json",
        env=env,
    )
    assert created.returncode == 0, created.stderr
    board = json.loads(created.stdout)
    assert (board["board_id"], board["reset"], board["reset_every"]) == (
        "season",
        "fixed",
        "P28D",  # as the HTTP API shows it
    )
    shown_text = cli("boards", "show", "season", env=env).stdout
    assert "reset_every: P28D" in shown_text
    listed = cli("boards", "list", env=env)
    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()[1:]] == ["global", "season"]
    shown = json.loads(cli("boards", "show", "season", "--json", env=env).stdout)
    assert len(shown["periods"]) == 9
    updated = cli(
        "boards", "update", "season", "--disable", "--retain-periods", "2", "--json", env=env
    )
    assert (
        json.loads(updated.stdout)["enabled"],
        json.loads(updated.stdout)["retain_periods"],
    ) == (
        False,
        2,
    )
    deleted = cli("boards", "delete", "season", "--json", env=env)
    assert json.loads(deleted.stdout) == {"board_id": "season", "entries_deleted": 0}
    again = cli("boards", "create", "season", "--if-missing", env=env)
    assert again.returncode == 0


def test_recompute_rewrites_a_board_from_the_log(database_url, conn):
    player = conn.execute("select lb.create_player('cli')").fetchone()[0]
    conn.execute("select lb.create_board('weekly', p_reset => 'weekly')")
    conn.execute("select lb.submit_score(%s, 10)", (player,))
    conn.execute("update lb.board_entries set value = 999")  # drift
    result = cli("boards", "recompute", "weekly", "--json", env={"DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"board_id": "weekly", "entries_written": 1}
    assert conn.execute(
        "select value from lb.board_entries e join lb.boards b using (board_no)"
        " where b.board_id = 'weekly'"
    ).fetchone() == (10,)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["create", "Bad"], "board_id must be 1 to 40 characters"),
        (["create", "x", "--reset", "fixed"], "--reset-every must be whole days"),
        (["create", "x", "--time-zone", "Mars/Base"], "--time-zone must be an IANA time zone"),
        (["create", "x", "--retain-periods", "5000"], "--retain-periods must be an integer"),
        (
            ["create", "x", "--retain-periods", "99999999999999999999"],
            "--retain-periods must be an integer from 0 to 1000",
        ),
        (["create", "x", "--ends-at", "tomorrow"], "--ends-at must be an ISO 8601 time"),
        (["create", "global"], "is already taken"),
        (["update", "global", "--disable"], "--disable cannot be set on board 'global'"),
        (["update", "nope", "--disable"], "board 'nope' does not exist"),
        (["update", "global"], "nothing to change"),
        (["delete", "nope"], "board 'nope' does not exist"),
        (["show", "nope"], "board 'nope' does not exist"),
        (["recompute", "global", "--period", "2001-01-01T00:00:00Z"], "never resets"),
        # times no client can show, and notations that would be read as something else
        (
            ["recompute", "global", "--period", "0001-01-01T00:00:00+01:00"],
            "--period must be a time from 0001-01-01T00:00:00Z",
        ),
        (
            ["create", "x", "--ends-at", "9999-12-31T23:59:59-01:00"],
            "--ends-at must be a time from",
        ),
        (
            ["create", "x", "--ends-at", "2030-01-01T00:00:00.1234567Z"],
            "at most 6 decimal places",
        ),
        (["create", "x", "--reset", "fixed", "--reset-every", "P1M"], "use reset monthly"),
        (["create", "x", "--reset", "fixed", "--reset-every", "28 days"], "ISO 8601 duration"),
        (
            ["create", "x", "--reset", "fixed", "--reset-every", "P999999999D"],
            "--reset-every must be at most 36525 days",
        ),
        (
            [
                "create",
                "x",
                "--reset",
                "fixed",
                "--reset-every",
                "P3650D",
                "--retain-periods",
                "1000",
            ],
            "--retain-periods reaches back to periods before 0001-01-01",
        ),
        (
            [
                "create",
                "x",
                "--reset",
                "fixed",
                "--reset-every",
                "P1D",
                "--reset-anchor",
                "2026-01-05T00:00:00Z",
            ],
            "--reset-anchor must be a local time without an offset",
        ),
    ],
)
def test_bad_input_exits_2_naming_the_problem_and_writes_nothing(
    database_url, conn, args, fragment
):
    before = db_state(conn)
    result = cli("boards", *args, env={"DATABASE_URL": database_url})
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert fragment in result.stderr
    assert db_state(conn) == before


def test_an_unreachable_database_exits_3():
    result = cli("boards", "list", env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    assert result.returncode == 3
    assert "cannot connect to PostgreSQL" in result.stderr
