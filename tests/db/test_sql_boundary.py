"""Bad input at the SQL boundary, sent as a game server sends it (a login in lb_game_server):
each gets its documented SQLSTATE, a message naming the argument, and nothing is written."""

from __future__ import annotations

import pytest

from tests.support.db import assert_rejected

BIGINT_MAX = 2**63 - 1
INT_MAX = 2**31 - 1

SUBMIT = "select * from lb.submit_score(%s::bigint, %s::integer, %s::text, %s::text)"
CASES = [
    # NULLs
    (SUBMIT, (None, 1, "classic", None), "22023", "p_user_id"),
    (SUBMIT, ("P", None, "classic", None), "22023", "p_score"),
    (SUBMIT, ("P", 1, None, None), "22023", "p_game_mode"),
    ("select lb.create_player(%s)", (None,), "22023", "p_username"),
    ("select * from lb.player_rank(%s)", (None,), "22023", "p_user_id"),
    ("select * from lb.top_players(%s, %s)", (None, 0), "22023", "p_limit"),
    ("select * from lb.top_players(%s, %s)", (10, None), "22023", "p_offset"),
    # negative and huge values
    (SUBMIT, (-1, 1, "classic", None), "22023", "p_user_id"),
    (SUBMIT, (BIGINT_MAX, 1, "classic", None), "P0002", "player 9223372036854775807"),
    (SUBMIT, ("P", -2147483648, "classic", None), "22023", "p_score"),
    (SUBMIT, ("P", INT_MAX, "classic", None), "22023", "p_score"),
    ("select * from lb.player_rank(%s)", (BIGINT_MAX,), "P0002", "does not exist"),
    ("select * from lb.top_players(%s, %s)", (INT_MAX, 0), "22023", "p_limit"),
    ("select * from lb.top_players(%s, %s)", (10, -2147483648), "22023", "p_offset"),
    # over-long and injection-looking usernames
    ("select lb.create_player(%s)", ("x" * 51,), "22023", "p_username must be 1 to 50"),
    ("select lb.create_player(%s)", ("x" * 100_000,), "22023", "p_username must be 1 to 50"),
    ("select lb.create_player(%s)", ("'; drop table lb.users; --",), "22023", "p_username"),
    ("select lb.create_player(%s)", ("admin' or '1'='1",), "22023", "p_username"),
    ("select lb.create_player(%s)", ("$$; select 1; $$",), "22023", "p_username"),
    ("select lb.create_player(%s)", ("\\x00",), "22023", "p_username"),
    ("select lb.create_player(%s)", ("name\nwith newline",), "22023", "p_username"),
    # unknown modes, including look-alikes
    (SUBMIT, ("P", 1, "arcade", None), "22023", "p_game_mode"),
    (SUBMIT, ("P", 1, "classic ", None), "22023", "p_game_mode"),
    (SUBMIT, ("P", 1, "ranked'--", None), "22023", "p_game_mode"),
    (SUBMIT, ("P", 1, "ｃｌａｓｓｉｃ", None), "22023", "p_game_mode"),
    # idempotency keys
    (SUBMIT, ("P", 1, "classic", ""), "22023", "p_idempotency_key"),
    (SUBMIT, ("P", 1, "classic", "k" * 10_000), "22023", "p_idempotency_key"),
]


@pytest.mark.parametrize(("query", "params", "sqlstate", "fragment"), CASES)
def test_game_server_bad_input_is_rejected_and_writes_nothing(
    conn, connect_as, query, params, sqlstate, fragment
):
    player = conn.execute("select lb.create_player('boundary')").fetchone()[0]
    conn.execute("select lb.submit_score(%s, 5)", (player,))
    params = tuple(player if p == "P" else p for p in params)
    game = connect_as("lb_game_server")
    assert_rejected(game, sqlstate, fragment, query, params, observer=conn)
