"""The `lb` schema as a fresh migrate leaves it, in a stable text form (db/schema.sql).

The dump is committed, and tests/db/test_schema_dump.py compares it with a dump of the test
database, which every test run migrates from nothing: a migration or function file that
changes more than its diff in db/schema.sql shows is caught in review, and one that changes
the schema without a new db/schema.sql fails the suite. `make schema` writes it again.
"""

from __future__ import annotations

import re
import subprocess
import uuid
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from leaderboard import config, logs, migrate
from ops.postgres import bin_dir

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "db" / "schema.sql"

# lines that differ between two dumps of the same schema: pg_dump's version, and the
# version stamp migrate writes on the schema (a hash of db/functions, which the dump holds)
_VOLATILE = (
    re.compile(r"^-- Dumped (from|by) .*$"),
    re.compile(r"^COMMENT ON SCHEMA lb IS 'leaderboard functions [0-9a-f]+';$"),
    re.compile(r"^\\(un)?restrict .*$"),  # pg_dump >= 15.14 adds a random key per dump
)


def dump(database_url: str) -> str:
    """`pg_dump --schema-only` of the lb schema, with grants and owners (part of the API)."""
    out = subprocess.run(
        [str(bin_dir() / "pg_dump"), "--schema-only", "--schema=lb", database_url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = [line for line in out.splitlines() if not any(p.match(line) for p in _VOLATILE)]
    return "\n".join(lines).strip() + "\n"


def write(database_url: str) -> Path:
    SCHEMA_FILE.write_text(dump(database_url))
    return SCHEMA_FILE


def main() -> None:
    """Write db/schema.sql from a scratch database migrated on $DATABASE_URL's server."""
    logs.setup()
    server = config.Settings.from_env().database_url
    scratch = f"lb_schema_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"create database {scratch}")
    try:
        url = make_conninfo(**{**conninfo_to_dict(server), "dbname": scratch})
        migrate.migrate(url)
        print(write(url))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"drop database {scratch} with (force)")


if __name__ == "__main__":
    main()
