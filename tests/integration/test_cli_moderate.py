"""`leaderboard rules ...` and `leaderboard moderate ...` as a moderator runs them: a rule
holds a session, the queue lists it, approve counts it, reject keeps it out, and the audit
log says who did what; bad input exits 2 and writes nothing."""

from __future__ import annotations

import json

import pytest

from tests.support.cli import cli
from tests.support.db import db_state


@pytest.mark.parametrize(
    "words",
    [
        ("rules",),
        ("rules", "create"),
        ("rules", "update"),
        ("moderate",),
        ("moderate", "held"),
        ("moderate", "approve"),
        ("moderate", "log"),
        ("moderate", "sessions"),
    ],
)
def test_every_action_has_help(words):
    result = cli(*words, "--help")
    assert result.returncode == 0
    assert f"usage: leaderboard {words[0]}" in result.stdout


def total(conn, user: int) -> int:
    return conn.execute("select total_score from lb.player_rank(%s)", (user,)).fetchone()[0]


def test_a_rule_holds_a_session_and_a_moderator_reviews_it(database_url, conn):
    env = {"DATABASE_URL": database_url}
    created = cli(
        "rules", "create", "classic-cap", "--kind", "max_score", "--threshold", "5000",
        "--game-mode", "classic", env=env,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert "classic-cap  max_score  5000" in created.stdout
    user = conn.execute("select lb.create_player('mia')").fetchone()[0]
    conn.execute("select lb.submit_score(%s, 100)", (user,))
    held = [
        conn.execute("select session_id from lb.submit_score(%s, %s)", (user, s)).fetchone()[0]
        for s in (9000, 8000)
    ]
    queue = cli("moderate", "held", "--json", env=env)
    assert queue.returncode == 0, queue.stderr
    assert [(r["session_id"], r["held_by"]) for r in json.loads(queue.stdout)] == [
        (held[0], "classic-cap"),
        (held[1], "classic-cap"),
    ]
    approved = cli("moderate", "approve", str(held[0]), "--reason", "replay checked", env=env)
    assert approved.returncode == 0, approved.stderr
    assert approved.stdout.strip() == f"session {held[0]} approved: global 9100"
    assert total(conn, user) == 9100
    rejected = cli("moderate", "reject", str(held[1]), env=env)
    assert rejected.returncode == 0
    assert total(conn, user) == 9100
    assert cli("moderate", "held", env=env).stdout.strip() == "(none)"

    sessions = cli("moderate", "sessions", str(user), "--json", env=env)
    assert [r["written_by"] for r in json.loads(sessions.stdout)] == ["login:postgres"] * 3
    log = cli("moderate", "log", "--player", str(user), "--json", env=env)
    assert [(e["action"], e["reason"]) for e in json.loads(log.stdout)] == [
        ("session_rejected", None),
        ("session_approved", "replay checked"),
    ]
    off = cli("rules", "update", "classic-cap", "--disable", "--json", env=env)
    assert json.loads(off.stdout)["enabled"] is False
    deleted = cli("rules", "delete", "classic-cap", env=env)
    assert deleted.stdout.strip() == "rule classic-cap deleted; sessions it holds still: 0"
    assert cli("rules", "list", env=env).stdout.strip() == "(none)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rules", "create", "Bad Id", "--kind", "max_score", "--threshold", "1"], "RULE must be"),
        (["rules", "create", "r", "--kind", "max_score", "--threshold", "-1"], "--threshold must"),
        (["rules", "create", "r", "--kind", "max_score", "--threshold", "x"], "must be an integer"),
        (["rules", "create", "r", "--kind", "max_gain_per_period", "--threshold", "1"],
         "--board is required"),
        (["rules", "update", "cap"], "nothing to change"),
        (["rules", "update", "nope", "--enable"], "rule 'nope' does not exist"),
        (["rules", "delete", "nope"], "rule 'nope' does not exist"),
        (["moderate", "approve", "999999"], "session 999999 does not exist"),
        (["moderate", "reject", "0"], "SESSION must be a positive integer"),
        (["moderate", "held", "--limit", "0"], "--limit must be"),
        (["moderate", "held", "--since", "yesterday"], "since"),
        (["moderate", "sessions", "424242"], "player 424242 does not exist"),
        (["rules", "create", "cap", "--kind", "max_score", "--threshold", "5"],
         "error[RULE_EXISTS]: rule 'cap' already exists"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_names_the_problem_and_writes_nothing(database_url, conn, args, message):
    env = {"DATABASE_URL": database_url}
    conn.execute("select lb.create_rule('cap', 'max_score', 10)")
    before = db_state(conn)
    result = cli(*args, env=env)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert db_state(conn) == before
