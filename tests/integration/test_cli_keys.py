"""`leaderboard keys ...` as an operator runs it: the secret printed once, the list without
secrets, rotation with a grace, revocation, exit 2 and nothing written on bad input."""

from __future__ import annotations

import hashlib
import json
import re

import psycopg
import pytest

from tests.support.cli import cli
from tests.support.db import db_state


@pytest.mark.parametrize("action", [None, "create", "list", "rotate", "revoke"])
def test_every_keys_action_has_help(action):
    result = cli("keys", *([action] if action else []), "--help")
    assert result.returncode == 0
    assert "usage: leaderboard keys" in result.stdout


def works(conn, secret: str, mode: str = "classic") -> bool:
    digest = hashlib.sha256(secret.encode()).digest()
    try:
        conn.execute("select lb.authenticate_key(%s, %s)", (digest, mode))
    except psycopg.Error:  # refused, whatever the reason
        return False
    return True


def test_a_key_from_create_to_revoke(database_url, conn):
    env = {"DATABASE_URL": database_url}
    created = cli("keys", "create", "arena-eu-1", "--scope", "ranked", env=env)
    assert created.returncode == 0, created.stderr
    assert "key arena-eu-1 created, for ranked" in created.stdout
    secret = re.search(r"secret \(shown once[^)]*\): (lbk_[0-9a-f]{64})$", created.stdout, re.M)
    assert secret is not None, created.stdout
    first = secret.group(1)
    assert works(conn, first, "ranked")
    assert not works(conn, first, "classic")

    listed = cli("keys", "list", env=env)
    assert listed.returncode == 0
    assert re.search(r"^arena-eu-1\s+ranked\s+\S+\s+\S+\s+-$", listed.stdout, re.M), listed.stdout
    assert first not in listed.stdout

    rotated = cli("keys", "rotate", "arena-eu-1", "--grace", "PT1H", "--json", env=env)
    assert rotated.returncode == 0, rotated.stderr
    answer = json.loads(rotated.stdout)
    assert answer["previous_valid_until"].endswith("Z")
    assert works(conn, first, "ranked")
    assert works(conn, answer["secret"], "ranked")

    revoked = cli("keys", "revoke", "arena-eu-1", env=env)
    assert revoked.returncode == 0
    assert revoked.stdout.startswith("key arena-eu-1 revoked at 20")
    assert not works(conn, first, "ranked")
    assert not works(conn, answer["secret"], "ranked")
    logged = conn.execute("select action from lb.audit_entries() order by audit_id").fetchall()
    assert logged == [("key_created",), ("key_rotated",), ("key_revoked",)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "Bad Name"], "NAME must be 1 to 63"),
        (["create", "eu", "--scope", "chess"], "invalid choice: 'chess'"),
        (["rotate", "nobody"], "key 'nobody' does not exist"),
        (["rotate", "eu", "--grace", "P8D"], "--grace must be from 0 to 7 days"),
        (["rotate", "eu", "--grace", "an hour"], "grace must be an ISO 8601"),
        (["revoke", "nobody"], "key 'nobody' does not exist"),
        (["create", "eu"], "error[KEY_EXISTS]: key 'eu' already exists"),
    ],
)
def test_bad_input_exits_2_names_the_problem_and_writes_nothing(database_url, conn, args, message):
    env = {"DATABASE_URL": database_url}
    if args[1] == "eu":
        conn.execute("select lb.create_key('eu')")
    before = db_state(conn)
    result = cli("keys", *args, env=env)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert db_state(conn) == before
