"""The lists Python validates with (leaderboard.rules) equal the ones SQL enforces."""

import re

import psycopg
import pytest

from leaderboard import rules


def test_game_modes_are_lb_game_modes_in_order(conn):
    rows = conn.execute("select game_mode from lb.game_modes order by ordinal").fetchall()
    assert tuple(m for (m,) in rows) == rules.GAME_MODES


def allowed_by_check(conn, constraint):
    definition = conn.execute(
        "select pg_get_constraintdef(oid) from pg_constraint where conname = %s", (constraint,)
    ).fetchone()[0]
    return tuple(re.findall(r"'([a-z]+)'::text", definition))


def test_board_enumerations_are_the_check_constraints_of_lb_boards(conn):
    assert allowed_by_check(conn, "boards_aggregate_check") == rules.AGGREGATES
    assert allowed_by_check(conn, "boards_reset_check") == rules.RESETS
    assert allowed_by_check(conn, "boards_tie_break_check") == rules.TIE_BREAKS


def test_the_default_mode_is_the_sql_default(conn):
    text = conn.execute("select pg_get_function_arguments('lb.submit_score'::regproc)").fetchone()[
        0
    ]
    assert f"p_game_mode text DEFAULT '{rules.DEFAULT_GAME_MODE}'::text" in text


def test_the_board_id_rule_is_lb_boards_check(conn):
    definition = conn.execute(
        "select pg_get_constraintdef(oid) from pg_constraint"
        " where conname = 'boards_board_id_check'"
    ).fetchone()[0]
    assert f"'{rules.BOARD_ID_PATTERN}'" in definition


def test_numeric_limits_are_lb_limits(conn):
    assert dict(conn.execute("select name, value from lb.limits()").fetchall()) == rules.SQL_LIMITS


def test_the_tables_check_the_same_limits(conn):
    """The CHECK constraints written by the migrations hold the numbers lb.limits() names."""

    def definition(name):
        return conn.execute(
            "select pg_get_constraintdef(oid) from pg_constraint where conname = %s", (name,)
        ).fetchone()[0]

    assert f"<= {rules.MAX_SCORE}" in definition("game_sessions_score_check")
    assert f"<= '{rules.MAX_VALUE}'::bigint" in definition("board_entries_value_check")


def test_sql_errors_quote_the_limits(conn):
    for call, limit in (
        (f"select lb.submit_score(1, {rules.MAX_SCORE + 1})", rules.MAX_SCORE),
        (f"select lb.top_players({rules.MAX_PAGE + 1})", rules.MAX_PAGE),
        (f"select lb.players_around(1, {rules.MAX_RADIUS + 1})", rules.MAX_RADIUS),
    ):
        with pytest.raises(psycopg.errors.InvalidParameterValue, match=f"to {limit}\\b"):
            conn.execute(call)
