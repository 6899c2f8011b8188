"""`leaderboard migrate`: yoyo applies db/migrations, then every db/functions file is
re-applied. yoyo's post-apply hook only runs when a migration is pending, so it cannot keep
functions current; `create or replace` makes re-applying them idempotent.

The whole run holds a session advisory lock, so concurrent migrates run one after another.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
from yoyo import get_backend, read_migrations

from leaderboard import DB_DIR, logs, sqlapi
from leaderboard.errors import LeaderboardError, SchemaOutOfDate

MIGRATIONS_DIR = DB_DIR / "migrations"
FUNCTIONS_DIR = DB_DIR / "functions"
BOOKKEEPING_SCHEMA = "lb_migrations"
# 'lbmigrat' in ASCII; one key for every migrate of this database
MIGRATE_LOCK_KEY = 0x6C626D6967726174

log = logs.get("migrate")


@dataclass
class MigrateResult:
    applied: list[str]
    functions: int
    seconds: float


def migration_ids() -> list[str]:
    return sorted(p.stem for p in MIGRATIONS_DIR.glob("*.sql"))


def function_files() -> list[Path]:
    return sorted(FUNCTIONS_DIR.glob("*.sql"))


def _yoyo_uri(conn: psycopg.Connection) -> str:
    """yoyo needs a URI with the psycopg 3 scheme; build it from the live connection so that
    libpq defaults (PGHOST, a socket directory, ~/.pgpass) work as they do for psycopg."""
    info = conn.info
    user = quote(info.user, safe="")
    password = f":{quote(info.password, safe='')}" if info.password else ""
    params = {"host": info.host, "port": info.port, "schema": BOOKKEEPING_SCHEMA}
    return f"postgresql+psycopg://{user}{password}@/{quote(info.dbname)}?{urlencode(params)}"


def migrate(database_url: str) -> MigrateResult:
    started = time.monotonic()
    with psycopg.connect(
        database_url, autocommit=True, application_name="leaderboard-migrate"
    ) as conn:
        conn.execute("select pg_advisory_lock(%s)", (MIGRATE_LOCK_KEY,))
        try:
            conn.execute(f"create schema if not exists {BOOKKEEPING_SCHEMA}")
            backend = get_backend(_yoyo_uri(conn))
            try:
                migrations = read_migrations(str(MIGRATIONS_DIR))
                with backend.lock():
                    pending = backend.to_apply(migrations)
                    backend.apply_migrations(pending)
                applied = [m.id for m in pending]
            finally:
                backend.connection.close()
            files = function_files()
            with conn.transaction():
                # as pg_dump does: bodies may name functions defined in a later file
                conn.execute("set local check_function_bodies = off")
                # created as lb_owner, the role that owns every object in lb (0007_roles)
                conn.execute("set local role lb_owner")
                for path in files:
                    conn.execute(path.read_text())
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (MIGRATE_LOCK_KEY,))
    result = MigrateResult(applied, len(files), time.monotonic() - started)
    log.info(
        "migrated", applied=len(applied), functions=len(files), seconds=round(result.seconds, 2)
    )
    return result


def check_schema(conn: psycopg.Connection) -> None:
    """Refuse to run against a database that lacks migrations this code needs."""
    try:
        applied = sqlapi.applied_migrations(conn)
    except LeaderboardError as exc:  # no lb schema, or too old to have lb.schema_migrations
        if not conn.autocommit:
            conn.rollback()
        raise SchemaOutOfDate(
            "the database has no leaderboard schema (or one too old to report its version): "
            "run `leaderboard migrate`"
        ) from exc
    missing = [m for m in migration_ids() if m not in applied]
    if missing:
        raise SchemaOutOfDate(
            f"the database schema lacks migrations {', '.join(missing)}: run `leaderboard migrate`"
        )
