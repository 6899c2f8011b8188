"""leaderboard migrate: idempotent, safe to run concurrently, keeps functions current."""

import threading

import psycopg
import pytest

from leaderboard import migrate, sqlapi
from leaderboard.errors import SchemaOutOfDate
from tests.support.servers import PG, url_for


@pytest.fixture
def empty_database():
    name = "migrate_scratch"
    with psycopg.connect(PG.url("postgres"), autocommit=True) as admin:
        admin.execute(f"drop database if exists {name} with (force)")
        admin.execute(f"create database {name}")
        yield url_for("127.0.0.1", PG.port, "postgres", name)
        admin.execute(f"drop database if exists {name} with (force)")


def test_migrate_twice_applies_once_and_reapplies_functions(empty_database):
    first = migrate.migrate(empty_database)
    assert first.applied == migrate.migration_ids()
    assert first.functions == len(migrate.function_files())
    second = migrate.migrate(empty_database)
    assert second.applied == []
    assert second.functions == first.functions
    with psycopg.connect(empty_database) as conn:
        migrate.check_schema(conn)


def test_two_migrates_at_once_both_succeed(empty_database):
    outcomes, errors = [], []

    def run():
        try:
            outcomes.append(migrate.migrate(empty_database))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(len(o.applied) for o in outcomes) == [0, len(migrate.migration_ids())]


def test_migrate_restores_a_function_that_was_changed_by_hand(empty_database):
    migrate.migrate(empty_database)
    with psycopg.connect(empty_database, autocommit=True) as conn:
        conn.execute(
            "create or replace function lb.has_players() returns boolean"
            " language sql as $$ select null::boolean $$"
        )
        migrate.migrate(empty_database)
        assert sqlapi.has_players(conn) is False


def test_services_refuse_an_unmigrated_database(empty_database):
    with (
        psycopg.connect(empty_database, autocommit=True) as conn,
        pytest.raises(SchemaOutOfDate, match="leaderboard migrate"),
    ):
        migrate.check_schema(conn)
    migrate.migrate(empty_database)
    with psycopg.connect(empty_database, autocommit=True) as conn:
        conn.execute(
            "delete from lb_migrations._yoyo_migration where migration_id = '0004_rank_histogram'"
        )
        with pytest.raises(SchemaOutOfDate, match="0004_rank_histogram"):
            migrate.check_schema(conn)


def test_services_refuse_functions_older_than_the_code(empty_database):
    """Functions are re-applied by every migrate, not recorded as migrations: a database
    migrated by an older version has every migration and still lacks functions."""
    migrate.migrate(empty_database)
    with psycopg.connect(empty_database, autocommit=True) as conn:
        migrate.check_schema(conn)
        conn.execute("comment on schema lb is 'leaderboard functions 0123456789abcdef'")
        with pytest.raises(SchemaOutOfDate, match="functions are not this version's"):
            migrate.check_schema(conn)
    migrate.migrate(empty_database)  # what the message says to do
    with psycopg.connect(empty_database, autocommit=True) as conn:
        migrate.check_schema(conn)
