"""Plausibility rules and the held queue ("flag, don't drop"): a session that breaks a rule
is recorded but counts on no board until a moderator approves it, and then exactly as if it
had been accepted when it was played. One node and the sharded topology alike."""

from __future__ import annotations

import psycopg
import pytest

from tests.support.db import assert_rejected, check_histogram, db_state
from tests.support.shards import ProxyConnection


def value(api, user: int, board: str = "global") -> int | None:
    return api.execute("select total_score from lb.player_rank(%s, %s)", (user, board)).fetchone()[
        0
    ]


def submit(api, user: int, score: int, mode: str = "classic", key: str | None = None):
    return api.execute(
        "select session_id, total_score, held_by from lb.submit_score(%s, %s, %s, %s)",
        (user, score, mode, key),
    ).fetchone()


@pytest.fixture
def player(api) -> int:
    return api.execute("select lb.create_player('alice')").fetchone()[0]


def test_a_session_over_the_max_score_is_held_counted_nowhere_and_listed(api, player):
    api.execute("select * from lb.create_rule('cap', 'max_score', 5000, 'classic')")
    assert submit(api, player, 100)[1:] == (100, None)
    before = db_state(api)
    session, total, held = submit(api, player, 9000)
    assert (total, held) == (100, "cap")  # the total as it was: the session counts nowhere
    after = db_state(api)
    assert after != before  # the session is in the log...
    assert value(api, player) == 100  # ...and on no board
    assert submit(api, player, 9000, "ranked")[2] is None  # the rule is classic's
    queue = api.execute("select session_id, held_by, score from lb.held_sessions()").fetchall()
    assert queue == [(session, "cap", 9000)]
    assert (
        api.execute("select count(*) from lb.held_sessions(p_rule_id => 'other')").fetchone()[0]
        == 0
    )
    check_histogram(api)


def test_approving_counts_it_as_if_accepted_when_played_and_rejecting_counts_it_nowhere(
    api, player
):
    api.execute("select lb.create_board('weekly', p_reset => 'weekly', p_tie_break => 'earliest')")
    api.execute("select * from lb.create_rule('cap', 'max_score', 5000)")
    submit(api, player, 100)
    held = submit(api, player, 9000)[0]
    doubtful = submit(api, player, 7000)[0]
    submit(api, player, 50)
    assert value(api, player) == 150
    assert value(api, player, "weekly") == 150

    boards = api.execute("select lb.approve_session(%s, 'verified replay')", (held,)).fetchone()[0]
    assert {b["board"]: b["value"] for b in boards} == {"global": 9150, "weekly": 9150}
    assert value(api, player) == 9150
    assert value(api, player, "weekly") == 9150
    # approving again changes nothing
    api.execute("select lb.approve_session(%s)", (held,))
    assert value(api, player) == 9150

    api.execute("select lb.reject_session(%s, 'impossible score')", (doubtful,))
    assert value(api, player) == 9150
    assert api.execute("select count(*) from lb.held_sessions()").fetchone()[0] == 0
    check_histogram(api)
    # what verify checks: every board equals the log with held and rejected sessions out
    shards = api.shards if isinstance(api, ProxyConnection) else [api]
    for shard in shards:
        for board in ("global", "weekly"):
            assert shard.execute("select * from lb.verify_board(%s)", (board,)).fetchall() == []

    logged = api.execute(
        "select action, reason from lb.audit_entries() where action like 'session_%'"
        " order by audit_id"
    ).fetchall()
    assert logged == [
        ("session_approved", "verified replay"),
        ("session_rejected", "impossible score"),
    ]
    assert_rejected(
        api,
        "LB013",
        "was approved and counts",
        "select lb.reject_session(%s)",
        (held,),
    )


def test_submits_per_minute_and_gain_per_period(api, player):
    api.execute("select lb.create_board('weekly', p_reset => 'weekly')")
    api.execute("select * from lb.create_rule('burst', 'max_submits_per_minute', 3)")
    api.execute(
        "select * from lb.create_rule('farm', 'max_gain_per_period', 1000, p_board => 'weekly')"
    )
    assert [submit(api, player, 10)[2] for _ in range(3)] == [None, None, None]
    assert submit(api, player, 10)[2] == "burst"
    api.execute("select lb.update_rule('burst', p_enabled => false)")
    assert submit(api, player, 900)[2] is None  # 930 this week
    assert submit(api, player, 100)[2] == "farm"  # would be 1,030
    assert submit(api, player, 70)[2] is None  # exactly 1,000 is allowed
    assert value(api, player, "weekly") == 1000
    assert api.execute("select lb.delete_rule('farm')").fetchone() == (1,)
    rules = api.execute("select rule_id, enabled from lb.list_rules()").fetchall()
    assert rules == [("burst", False)]


def test_a_keyed_retry_of_a_held_submit_answers_the_same(api, player):
    api.execute("select * from lb.create_rule('cap', 'max_score', 10)")
    first = submit(api, player, 500, key="match-1:alice")
    assert first[2] == "cap"
    api.execute("select lb.update_rule('cap', p_threshold => 1000)")
    assert submit(api, player, 500, key="match-1:alice") == first  # the same answer
    assert api.execute("select count(*) from lb.held_sessions()").fetchone()[0] == 1


@pytest.mark.parametrize(
    ("query", "sqlstate", "fragment"),
    [
        ("select lb.create_rule('Bad Id', 'max_score', 1)", "22023", "p_rule_id must be 1 to 40"),
        ("select lb.create_rule('r', 'min_score', 1)", "22023", "p_kind must be one of"),
        ("select lb.create_rule('r', 'max_score', -1)", "22023", "p_threshold must be an integer"),
        ("select lb.create_rule('r', 'max_score', null)", "22023", "p_threshold must be"),
        ("select lb.create_rule('r', 'max_score', 1, 'chess')", "22023", "p_game_mode must be"),
        (
            "select lb.create_rule('r', 'max_gain_per_period', 1)",
            "22023",
            "p_board is required for max_gain_per_period",
        ),
        (
            "select lb.create_rule('r', 'max_gain_per_period', 1, p_board => 'global')",
            "22023",
            "p_board must be a sum board that resets",
        ),
        (
            "select lb.create_rule('r', 'max_score', 1, p_board => 'global')",
            "22023",
            "p_board is only for max_gain_per_period",
        ),
        ("select lb.create_rule('cap', 'max_score', 1)", "23505", "rule 'cap' already exists"),
        ("select lb.update_rule('nope', false)", "P0002", "rule 'nope' does not exist"),
        ("select lb.delete_rule('nope')", "P0002", "rule 'nope' does not exist"),
        ("select lb.approve_session(999999)", "P0002", "session 999999 does not exist"),
        ("select lb.reject_session(0)", "22023", "p_session_id must be a positive integer"),
        ("select * from lb.held_sessions(p_limit => 0)", "22023", "p_limit must be"),
    ],
)
def test_bad_moderation_input_is_refused_with_its_argument_named_and_changes_nothing(
    api, query, sqlstate, fragment
):
    api.execute("select lb.create_rule('cap', 'max_score', 100)")
    assert_rejected(api, sqlstate, fragment, query)


def test_a_session_that_was_never_held_cannot_be_approved_or_rejected(api, player):
    session = submit(api, player, 10)[0]
    for action in ("approve_session", "reject_session"):
        assert_rejected(api, "LB013", "was not held", f"select lb.{action}(%s)", (session,))


def test_moderators_and_the_admin_endpoints_moderate_and_nobody_else_does(connect_as, conn):
    """lb_moderator's logins, and lb_web for /api/admin (which names the admin token as the
    actor); game servers and bridges may not."""
    player = conn.execute("select lb.create_player('bob')").fetchone()[0]
    game = connect_as("lb_game_server")
    for group in ("lb_game_server", "lb_bridge"):
        other = connect_as(group)
        for query in (
            "select lb.create_rule('cap', 'max_score', 1)",
            "select * from lb.held_sessions()",
            "select lb.approve_session(1)",
            "select lb.reject_session(1)",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                other.execute(query)
    moderator = connect_as("lb_moderator")
    moderator.execute("select lb.create_rule('cap', 'max_score', 1)")
    held = game.execute("select session_id, held_by from lb.submit_score(%s, 5)", (player,))
    session, rule = held.fetchone()
    assert rule == "cap"
    moderator.execute("select lb.approve_session(%s)", (session,))
    assert conn.execute(
        "select actor from lb.audit_log where action = 'session_approved'"
    ).fetchone() == ("login:test_moderator",)


def test_an_approval_waits_for_a_submit_in_flight_and_loses_none_of_it(conn, connect):
    """Approving recomputes the player's entries from the log: a submit of the same player
    that has written but not committed must end up counted too, not overwritten."""
    import threading

    player = conn.execute("select lb.create_player('eve')").fetchone()[0]
    conn.execute("select lb.create_rule('cap', 'max_score', 5000)")
    conn.execute("select lb.submit_score(%s, 100)", (player,))
    held = conn.execute("select session_id from lb.submit_score(%s, 9000)", (player,)).fetchone()[0]
    in_flight = connect(autocommit=False)
    in_flight.execute("select lb.submit_score(%s, 50)", (player,))  # holds the entry's lock
    moderator = connect()
    done = threading.Event()
    worker = threading.Thread(
        target=lambda: (moderator.execute("select lb.approve_session(%s)", (held,)), done.set())
    )
    worker.start()
    assert not done.wait(0.5)  # the approval waits for the player's entry
    in_flight.commit()
    worker.join(timeout=10)
    assert done.is_set()
    assert value(conn, player) == 9150
    assert conn.execute("select * from lb.verify_board('global')").fetchall() == []
    check_histogram(conn)
    log = conn.execute(
        "select score, held_by, review from lb.session_log(%s) order by session_id", (player,)
    ).fetchall()
    assert log == [(100, None, None), (9000, "cap", "approved"), (50, None, None)]
