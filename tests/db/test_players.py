"""lb.create_player and the username rules."""

import psycopg
import pytest

from tests.support.db import assert_rejected


def test_create_player_returns_increasing_ids(conn):
    first = conn.execute("select lb.create_player('alice')").fetchone()[0]
    second = conn.execute("select lb.create_player('bob_2.x-y')").fetchone()[0]
    assert second > first
    row = conn.execute(
        "select username, join_date is not null from lb.users where id = %s", (second,)
    ).fetchone()
    assert row == ("bob_2.x-y", True)


def test_fifty_characters_is_the_limit(api):
    api.execute("select lb.create_player(%s)", ("a" * 50,))
    assert_rejected(
        api,
        "22023",
        "p_username must be 1 to 50 characters",
        "select lb.create_player(%s)",
        ("b" * 51,),
    )


@pytest.mark.parametrize(
    ("username", "fragment"),
    [
        (None, "p_username must be 1 to 50 characters (got null)"),
        ("", "p_username must be 1 to 50 characters"),
        ("has space", "p_username may contain only letters"),
        ("robert'); drop table lb.users; --", "p_username may contain only letters"),
        ("<script>alert(1)</script>", "p_username may contain only letters"),
        ("émile", "p_username may contain only letters"),
        ("tab\tname", "p_username may contain only letters"),
        ("nul\x01", "p_username may contain only letters"),
    ],
)
def test_bad_usernames_are_rejected_and_nothing_is_written(api, username, fragment):
    assert_rejected(api, "22023", fragment, "select lb.create_player(%s)", (username,))


def test_duplicate_username_is_23505_regardless_of_case(api):
    api.execute("select lb.create_player('Alice')")
    error = assert_rejected(
        api, "23505", "p_username 'alice' is already taken", "select lb.create_player('alice')"
    )
    assert error.diag.column_name == "p_username"


@pytest.mark.parametrize(
    "username",
    ["", "b" * 51, "has space", "émile", "robert'); drop table lb.users; --", "new\nline", "x/y"],
)
def test_the_table_enforces_the_username_rule_too(conn, username):
    """The CHECK constraint is the rule for writers that bypass lb.create_player (the owner,
    lb.seed); it must reject exactly what the function rejects."""
    with pytest.raises(psycopg.errors.CheckViolation, match="users_username_check"):
        conn.execute("insert into lb.users (username) values (%s)", (username,))
    conn.rollback()
    assert conn.execute("select count(*) from lb.users").fetchone()[0] == 0


def test_the_table_accepts_every_allowed_character(conn):
    allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-"
    conn.execute("insert into lb.users (username) values (%s), (%s)", (allowed[:50], allowed[50:]))
    assert conn.execute("select count(*) from lb.users").fetchone()[0] == 2
