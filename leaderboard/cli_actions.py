"""What every database-backed CLI command shares (`boards`, `keys`, `rules`, `moderate`):
connect to DATABASE_URL, run one action through the lb.* functions, name flags where the SQL
API names arguments, and print the result as text or, with --json, as JSON for scripts (times
and durations in ISO 8601, as the HTTP API shows them)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg

from leaderboard import config, durations
from leaderboard.errors import LeaderboardError, cannot_connect


def run(
    settings: config.Settings,
    args: argparse.Namespace,
    act: Callable[[psycopg.Connection, argparse.Namespace], Any],
    show: Callable[[str, Any], None],
    flags: dict[str, str],
) -> int:
    """Run `act`; an error about argument `x` says flags[x] (the SQL API's reset_every is
    the CLI's --reset-every). Nothing to show (None) prints nothing."""
    try:
        conn = psycopg.connect(settings.database_url, autocommit=True)
    except psycopg.OperationalError as exc:
        raise cannot_connect("PostgreSQL", exc) from exc
    with conn:
        try:
            result = act(conn, args)
        except LeaderboardError as exc:
            if exc.field in flags:
                exc.message = exc.message.replace(exc.field, flags[exc.field], 1)
            raise
    if result is None:
        return 0
    if getattr(args, "json", False):
        print(json.dumps(result, default=plain, indent=2))
    else:
        show(args.action, result)
    return 0


def json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def plain(value: Any) -> Any:
    """Times and durations as the HTTP API shows them: 2026-11-30T00:00:00Z, P28D; a
    board's anchor, a local time, without a zone."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return durations.iso(value)
    raise TypeError(type(value).__name__)


def shown(value: Any) -> str:
    """One value in a text table: - for none, lists joined by commas."""
    if value is None:
        return "-"
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, datetime | date | timedelta):
        return str(plain(value))
    return str(value)


def table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> None:
    """Rows as aligned text columns, a header first."""
    cells = [{c: shown(r[c]) for c in columns} for r in rows]
    widths = {c: max(len(c), *(len(r[c]) for r in cells)) for c in columns}
    print("  ".join(c.ljust(widths[c]) for c in columns).rstrip())
    for row in cells:
        print("  ".join(row[c].ljust(widths[c]) for c in columns).rstrip())
