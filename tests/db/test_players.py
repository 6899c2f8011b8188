"""lb.create_player and the username rules."""

import pytest

from tests.helpers import assert_rejected


def test_create_player_returns_increasing_ids(conn):
    first = conn.execute("select lb.create_player('alice')").fetchone()[0]
    second = conn.execute("select lb.create_player('bob_2.x-y')").fetchone()[0]
    assert second > first
    row = conn.execute(
        "select username, join_date is not null from lb.users where id = %s", (second,)
    ).fetchone()
    assert row == ("bob_2.x-y", True)


def test_fifty_characters_is_the_limit(conn):
    conn.execute("select lb.create_player(%s)", ("a" * 50,))
    assert_rejected(
        conn,
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
def test_bad_usernames_are_rejected_and_nothing_is_written(conn, username, fragment):
    assert_rejected(conn, "22023", fragment, "select lb.create_player(%s)", (username,))


def test_duplicate_username_is_23505_regardless_of_case(conn):
    conn.execute("select lb.create_player('Alice')")
    error = assert_rejected(
        conn, "23505", "p_username 'alice' is already taken", "select lb.create_player('alice')"
    )
    assert error.diag.column_name == "p_username"
