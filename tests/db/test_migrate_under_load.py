"""`leaderboard migrate` while game servers submit and read (issue 13): no call fails.

pgbench drives lb.submit_score and lb.player_rank with prepared statements, as a game server
would, while migrate runs again and again: once re-applying every function, and once with a
new migration that drops lb.submit_score and lb.player_rank outright (a signature change),
which the re-apply recreates in the same transaction. Callers see the old functions until the
commit and the new ones after it; pgbench exits non-zero on any failed call."""

from __future__ import annotations

import shutil
import threading

import psycopg
import pytest

from leaderboard import migrate
from perf import pgbench
from tests.support.bridge import wait_until

DROPPING = """\
-- a test migration: drop two public functions; migrate's re-apply of db/functions
-- recreates them in the same transaction
drop function lb.submit_score(bigint, integer, text, text, text);
drop function lb.player_rank(bigint, text, timestamptz);
"""


@pytest.fixture
def loaded(conn, database_url):
    conn.execute("select * from lb.seed(2000, 4000, 0.9)")
    return database_url


def under_load(database_url: str, script: str, action) -> list[pgbench.PgbenchResult]:
    results: list[pgbench.PgbenchResult] = []
    errors: list[BaseException] = []

    def drive() -> None:
        try:
            results.append(
                pgbench.run(
                    database_url,
                    script,
                    clients=4,
                    threads=1,
                    seconds=6,
                    defines={"players": 2000},
                )
            )
        except BaseException as exc:  # a failed call makes pgbench exit non-zero
            errors.append(exc)

    load = threading.Thread(target=drive)
    load.start()
    wait_until(lambda: _committed(database_url) >= 200, message="pgbench running")
    try:
        action()
    finally:
        load.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.parametrize("script", ["submit", "rank"])
def test_migrate_reapplying_functions_under_load_fails_no_call(loaded, script):
    def migrate_thrice() -> None:
        for _ in range(3):
            migrate.migrate(loaded)
            # calls go on between two migrations: wait for some to commit
            since = _committed(loaded)
            wait_until(lambda since=since: _committed(loaded) >= since + 200, message="calls")

    (result,) = under_load(loaded, script, migrate_thrice)
    assert result.transactions > 0
    assert result.failed == 0


@pytest.mark.parametrize("script", ["submit", "rank"])
def test_a_migration_that_drops_functions_under_load_fails_no_call(
    loaded, script, tmp_path, monkeypatch
):
    migrations = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, migrations)
    (migrations / "9999_drop_and_recreate.sql").write_text(DROPPING)
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", migrations)

    def migrate_once() -> None:
        result = migrate.migrate(loaded)
        assert result.applied == ["9999_drop_and_recreate"]

    (result,) = under_load(loaded, script, migrate_once)
    assert result.transactions > 0
    assert result.failed == 0


def _committed(database_url: str) -> int:
    """Transactions committed in the database so far (the statistics lag by up to a second
    while they accumulate, which only makes the waits a little longer)."""
    with psycopg.connect(database_url, autocommit=True) as c:
        c.execute("select pg_stat_clear_snapshot()")
        return c.execute(
            "select xact_commit from pg_stat_database where datname = current_database()"
        ).fetchone()[0]
