"""The `leaderboard` command as a user runs it: a subprocess with environment configuration."""

import psycopg
import pytest

from tests.support.bridge import GLOBAL_SCORES
from tests.support.cli import cli
from tests.support.db import db_state

COMMANDS = ["migrate", "seed", "bridge", "web", "run", "create-login", "verify", "chaos", "shards"]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_command_has_help(command):
    result = cli(*([command] if command else []), "--help")
    assert result.returncode == 0
    assert "usage: leaderboard" in result.stdout


def test_migrate_is_idempotent_from_the_command_line(database_url):
    result = cli("migrate", env={"DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    assert "migrations applied: 0 (none)" in result.stdout


def test_seed_loads_players_and_builds_the_redis_index(database_url, redis_url, redis_client):
    result = cli(
        "seed",
        "--users",
        "200",
        "--sessions",
        "1000",
        "--random-seed",
        "0.3",
        env={"DATABASE_URL": database_url, "REDIS_URL": redis_url},
    )
    assert result.returncode == 0, result.stderr
    assert "seeded 200 players, 1000 sessions" in result.stdout
    assert "seed: 1000 sessions" in result.stdout  # progress from the database
    with psycopg.connect(database_url) as conn:
        ranked = db_state(conn)["entries"]
    assert f"redis index: board global, {ranked} entries" in result.stdout
    assert redis_client.zcard(GLOBAL_SCORES) == ranked
    again = cli(
        "seed",
        "--if-empty",
        "--users",
        "5",
        "--sessions",
        "5",
        env={"DATABASE_URL": database_url, "REDIS_URL": redis_url},
    )
    assert "not seeding" in again.stdout
    with psycopg.connect(database_url) as conn:
        assert db_state(conn)["users"] == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--users", "-1", "--sessions", "5"], "--users must be from 0 to"),
        (["--users", "ten", "--sessions", "5"], "--users must be an integer, got 'ten'"),
        (
            ["--users", "5", "--sessions", "5", "--random-seed", "7"],
            "--random-seed must be between",
        ),
        (
            ["--users", "0", "--sessions", "5"],
            "error[VALIDATION_ERROR]: --sessions needs --users > 0",
        ),
    ],
)
def test_seed_rejects_bad_input_with_exit_2_and_writes_nothing(conn, database_url, args, message):
    before = db_state(conn)
    result = cli("seed", *args, "--no-index", env={"DATABASE_URL": database_url})
    assert result.returncode == 2
    assert message in result.stderr
    assert db_state(conn) == before


def test_bad_configuration_is_exit_2_naming_the_variable():
    result = cli("migrate", env={"PORT": "not-a-port"})
    assert result.returncode == 2
    assert "error[CONFIG]: PORT must be an integer" in result.stderr


def test_unreachable_database_is_exit_3():
    result = cli("migrate", env={"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"})
    assert result.returncode == 3
    assert "error[SERVICE_UNAVAILABLE]: cannot connect to PostgreSQL" in result.stderr


def test_create_login_makes_a_member_with_the_groups_timeouts(conn, database_url):
    env = {"DATABASE_URL": database_url, "GAME_PW": "s3cret-pw-long-enough"}
    result = cli(
        "create-login",
        "cli_game_login",
        "--role",
        "game_server",
        "--password-env",
        "GAME_PW",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "statement_timeout=5s" in result.stdout
    row = conn.execute(
        "select r.rolcanlogin, pg_has_role(r.oid, 'lb_game_server', 'member'),"
        " r.rolpassword like 'SCRAM-SHA-256$%' from pg_authid r where r.rolname = 'cli_game_login'"
    ).fetchone()
    assert row == (True, True, True)
    settings = conn.execute(
        "select setconfig from pg_db_role_setting where setrole = 'cli_game_login'::regrole"
    ).fetchone()[0]
    assert sorted(settings) == [
        "idle_in_transaction_session_timeout=10s",
        "lock_timeout=2s",
        "statement_timeout=5s",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Bad-Name", "--role", "web"], "name must match"),
        (["lb_sneaky", "--role", "web"], "must not start with lb_"),
        (["ok_name", "--role", "web", "--password-env", "NO_SUCH_VAR_123"], "is empty or unset"),
        (
            ["ok_name", "--role", "web", "--password-env", "SHORT_PW"],
            "the password in SHORT_PW must be at least 16 characters",
        ),
    ],
)
def test_create_login_rejects_bad_input(database_url, args, message):
    result = cli(
        "create-login", *args, env={"DATABASE_URL": database_url, "SHORT_PW": "fifteen-chars!!"}
    )
    assert result.returncode == 2
    assert message in result.stderr
    with psycopg.connect(database_url) as conn:
        assert not conn.execute(
            "select 1 from pg_roles where rolname = %s", (args[0].lower(),)
        ).fetchone()


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ("0", "--sizes takes players from 1 to 100000000, got '0'"),
        ("1000,lots", "--sizes must be an integer, got 'lots'"),
        ("200000000", "--sizes must be from 0 to 100000000, got 200000000"),
    ],
)
def test_bench_rejects_bad_sizes_with_exit_2_before_touching_anything(sizes, message):
    # an unreachable server: a bad --sizes must be refused before any connection is tried
    env = {
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        "REDIS_URL": "redis://127.0.0.1:1",
    }
    result = cli("bench", "--only", "scaling", "--sizes", sizes, env=env)
    assert result.returncode == 2
    assert message in result.stderr
