"""A game server's login against every function it can execute, with hostile arguments
(issue 27): each call answers within the API's limits or fails with a documented SQLSTATE,
never an internal error, a timeout or an unbounded answer, and leaves the session usable.
What it may execute is what the README lists, and nothing more (tests/db/test_roles.py)."""

from __future__ import annotations

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaderboard import rules

# what the SQL API documents (README "Errors"), and PostgreSQL's own for input it cannot read
DOCUMENTED = {
    "22023",  # invalid_parameter_value: an argument breaks its rule (COLUMN names it)
    "22003",  # numeric_value_out_of_range: a total past 2^53-1
    "P0002",  # no_data_found: no such player, board or period
    "23505",  # unique_violation: the username is taken
    "LB001",  # an idempotency key reused for another submit
    "LB002",  # a name of another shard (only when bypassing a proxy)
    "22P02",  # invalid_text_representation
    "22007",  # invalid_datetime_format
    "22008",  # datetime_field_overflow
    "22009",  # invalid time zone displacement
    "22021",  # character_not_in_repertoire
    "54000",  # program_limit_exceeded (an index row too large for a huge key)
}

VALUES = {
    "bigint": st.sampled_from([-(2**63), -1, 0, 1, 2, 42, 2**31, 2**53, 2**63 - 1, None]),
    "integer": st.sampled_from([-(2**31), -1, 0, 1, 10, 100, 101, 1_000_000, 2**31 - 1, None]),
    "text": st.one_of(
        st.sampled_from(
            ["", "global", "weekly", "classic", "x" * 300, "é" * 60, "a'b;--", "NULL", None]
        ),
        # no NUL (PostgreSQL's text cannot hold it) and no lone surrogates (UTF-8 cannot: the
        # driver refuses them before anything is sent)
        st.text(
            alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
            max_size=80,
        ),
    ),
    "timestamp with time zone": st.sampled_from(
        [
            "-infinity",
            "infinity",
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-01:00",
            "2026-11-30T00:00:00Z",
            "1970-01-01T00:00:00Z",
            None,
        ]
    ),
    "bigint[]": st.lists(st.sampled_from([-1, 0, 1, 2**62]), max_size=5),
    "boolean": st.sampled_from([True, False, None]),
}


def executable_functions(conn) -> list[tuple[str, list[str]]]:
    rows = conn.execute(
        "select p.proname, coalesce(array_agg(format_type(t.type, null) order by t.n)"
        " filter (where t.type is not null), '{}')"
        " from pg_proc as p left join lateral unnest(p.proargtypes) with ordinality"
        " as t (type, n) on true"
        " where p.pronamespace = 'lb'::regnamespace"
        " and has_function_privilege('lb_game_server', p.oid, 'execute')"
        " group by p.oid, p.proname order by p.proname"
    ).fetchall()
    return [(name, list(types)) for name, types in rows]


def test_a_game_server_login_gets_only_answers_or_documented_errors(connect_as, conn):
    conn.execute("select * from lb.seed(150, 300, 0.3)")  # more than a page
    conn.execute("select lb.create_board('weekly', p_reset => 'weekly')")
    functions = executable_functions(conn)
    assert {name for name, _ in functions} >= {"submit_score", "top_players", "player_rank"}
    game = connect_as("lb_game_server")

    for name, types in functions:
        unknown = [t for t in types if t not in VALUES]
        assert not unknown, (name, unknown)
        check_function(game, name, types)


def check_function(game: psycopg.Connection, name: str, types: list[str]) -> None:
    call = f"select * from lb.{name}({', '.join(f'%s::{t}' for t in types)})"

    @settings(
        max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(args=st.tuples(*(VALUES[t] for t in types)))
    def hostile(args):
        error = None
        try:
            rows = game.execute(call, args).fetchall()
        except psycopg.Error as exc:
            error = exc
        if error is not None:
            assert error.sqlstate in DOCUMENTED, (name, args, error.sqlstate, str(error))
            assert game.execute("select 1").fetchone() == (1,)  # still usable
            return
        # an answer is bounded: a page is at most rules.MAX_PAGE rows
        assert len(rows) <= max(rules.MAX_PAGE, 50), (name, args, len(rows))

    hostile()
