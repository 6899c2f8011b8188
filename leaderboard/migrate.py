"""`leaderboard migrate`: the pending db/migrations, then every db/functions file, in one
transaction.

yoyo owns the bookkeeping (its tables in schema lb_migrations, which migration ids are
applied), but not the applying: it runs each migration in a transaction of its own on a
connection of its own, and functions would be re-applied in yet another, so a migration that
drops a function (a signature change) left callers without it until the re-apply committed.
In one transaction callers see the old schema until the commit and the new one after it;
DDL locks make them wait meanwhile, never fail. `create or replace` makes re-applying
functions idempotent, so every migrate keeps them current.

The whole run holds a session advisory lock, so concurrent migrates run one after another.
"""

from __future__ import annotations

import getpass
import hashlib
import socket
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
from psycopg import sql
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


def functions_version() -> str:
    """A digest of db/functions as this code has them. migrate writes it into the comment on
    schema lb and check_schema compares: functions are not migrations, so without it a
    database migrated by older code passed the check and then lacked functions this code
    calls (found by the benchmark: every submit a 500)."""
    digest = hashlib.sha256()
    for path in function_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return f"leaderboard functions {digest.hexdigest()[:16]}"


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
            pending = _pending(conn)
            files = function_files()
            with conn.transaction():
                for migration in pending:
                    conn.execute(Path(migration.path).read_text())
                    # a migration may `set local role lb_owner`; the bookkeeping is ours
                    conn.execute("reset role")
                    _mark_applied(conn, migration)
                # as pg_dump does: bodies may name functions defined in a later file
                conn.execute("set local check_function_bodies = off")
                # created as lb_owner, the role that owns every object in lb (0007_roles)
                conn.execute("set local role lb_owner")
                for path in files:
                    conn.execute(path.read_text())
                conn.execute(
                    sql.SQL("comment on schema lb is {}").format(sql.Literal(functions_version()))
                )
        finally:
            conn.execute("select pg_advisory_unlock(%s)", (MIGRATE_LOCK_KEY,))
    applied = [m.id for m in pending]
    result = MigrateResult(applied, len(files), time.monotonic() - started)
    log.info(
        "migrated", applied=len(applied), functions=len(files), seconds=round(result.seconds, 2)
    )
    return result


def _pending(conn: psycopg.Connection) -> list:
    """The migrations yoyo has not recorded, in order; creates its bookkeeping tables first."""
    conn.execute(f"create schema if not exists {BOOKKEEPING_SCHEMA}")
    backend = get_backend(_yoyo_uri(conn))
    try:
        backend.ensure_internal_schema_updated()
        return list(backend.to_apply(read_migrations(str(MIGRATIONS_DIR))))
    finally:
        backend.connection.close()


def _mark_applied(conn: psycopg.Connection, migration) -> None:
    """What yoyo's own apply records: the migration as applied, and a line in its log."""
    now = datetime.now(UTC).replace(tzinfo=None)
    conn.execute(
        sql.SQL(
            "insert into {}._yoyo_migration (migration_hash, migration_id, applied_at_utc)"
            " values (%s, %s, %s)"
        ).format(sql.Identifier(BOOKKEEPING_SCHEMA)),
        (migration.hash, migration.id, now),
    )
    conn.execute(
        sql.SQL(
            "insert into {}._yoyo_log (id, migration_hash, migration_id, operation, username,"
            " hostname, created_at_utc) values (%s, %s, %s, 'apply', %s, %s, %s)"
        ).format(sql.Identifier(BOOKKEEPING_SCHEMA)),
        (str(uuid.uuid1()), migration.hash, migration.id, getpass.getuser(), socket.getfqdn(), now),
    )


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
    found = conn.execute("select obj_description('lb'::regnamespace, 'pg_namespace')").fetchone()
    if found is None or found[0] != functions_version():
        raise SchemaOutOfDate(
            "the database's lb functions are not this version's "
            f"({found[0] if found and found[0] else 'no version recorded'}): "
            "run `leaderboard migrate`"
        )
