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


def _unapply(conn: psycopg.Connection, migration_id: str) -> None:
    """Make yoyo take a migration as not applied yet, so the next migrate runs it again."""
    conn.execute(
        "delete from lb_migrations._yoyo_migration where migration_id = %s", (migration_id,)
    )


def test_existing_boards_get_the_sessions_their_values_show_they_count(empty_database):
    """0016 on a database that has boards: a backfilled board counts the whole log, one
    created without backfill the sessions from its creation, a disabled one stops now; each
    then verifies clean."""
    migrate.migrate(empty_database)
    with psycopg.connect(empty_database, autocommit=True) as conn:
        conn.execute("select * from lb.seed(30, 300, 0.4)")
        conn.execute("select lb.create_board('filled', p_backfill => true)")
        conn.execute("select lb.create_board('fresh', p_reset => 'weekly')")
        conn.execute("select lb.create_board('paused')")
        for user in (1, 2, 3):
            conn.execute("select lb.submit_score(%s, 40)", (user,))
        conn.execute("select lb.update_board('paused', p_enabled => false)")
        # as a database before 0016 was: no record of which sessions a board counts
        conn.execute("alter table lb.boards drop column counted_sessions cascade")
        _unapply(conn, "0016_board_counted_sessions")
    migrate.migrate(empty_database)
    with psycopg.connect(empty_database, autocommit=True) as conn:
        ranges = dict(conn.execute("select board_id, counted_sessions::text from lb.boards"))
        assert ranges["global"] == ranges["filled"] == "{(,)}"
        assert ranges["fresh"].startswith("{[")
        assert ranges["fresh"].endswith(",)}")
        assert ranges["paused"].startswith("{[")
        assert not ranges["paused"].endswith(",)}")
        for board in ("global", "filled", "fresh", "paused"):
            assert conn.execute("select * from lb.verify_board(%s)", (board,)).fetchall() == []


def test_a_database_with_an_unrepresentable_board_is_not_migrated_until_it_is_fixed(
    empty_database,
):
    """0014 names the boards whose times no client can show and says what to do."""
    migrate.migrate(empty_database)
    with psycopg.connect(empty_database, autocommit=True) as conn:
        conn.execute("select lb.create_board('fine')")
        conn.execute("select lb.create_board('y10k')")
        # as the old lb.create_board let it be created (its end is in year 10000 UTC)
        conn.execute("alter table lb.boards drop constraint boards_times_check")
        conn.execute("alter table lb.boards drop constraint boards_reset_every_check")
        conn.execute(
            "update lb.boards set ends_at = '9999-12-31T23:59:59-01:00' where board_id = 'y10k'"
        )
        for later in ("0014_board_time_range", "0015_feed_boards_problem"):
            _unapply(conn, later)
        conn.execute("delete from lb_migrations._yoyo_migration where migration_id > '0014'")
        conn.execute("alter table lb.boards drop column counted_sessions")
    with pytest.raises(psycopg.errors.RaiseException) as refused:
        migrate.migrate(empty_database)
    assert "y10k" in str(refused.value)
    assert "fine" not in str(refused.value)
    assert "leaderboard boards delete" in refused.value.diag.message_hint
    with psycopg.connect(empty_database, autocommit=True) as conn:
        conn.execute("delete from lb.boards where board_id = 'y10k'")
    migrate.migrate(empty_database)
    with psycopg.connect(empty_database) as conn:
        migrate.check_schema(conn)
