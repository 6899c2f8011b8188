"""`leaderboard boards ...`: list, show, create, update, delete and recompute boards.

Everything goes through the lb.* board functions, so the CLI validates exactly as the SQL API
and the HTTP API do; errors name the argument (--reset-every for p_reset_every) and exit with
the CLI's codes (2 bad input or an unknown board, 3 a service down). --json prints what a
script can parse: times and durations in ISO 8601 (UTC; P28D), as the HTTP API shows them.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from typing import Any

import psycopg

from leaderboard import cli_actions, config, durations, rules, sqlapi
from leaderboard.cli_actions import json_flag, plain
from leaderboard.clock import InstantError, parse_instant
from leaderboard.errors import InvalidArgument
from leaderboard.rules import AGGREGATES, GAME_MODES, RESETS, TIE_BREAKS

COLUMNS = ("board_id", "game_mode", "aggregate", "reset", "time_zone", "tie_break", "players")
FLAGS = {
    name: "--" + name.replace("_", "-")
    for name in (
        "game_mode",
        "aggregate",
        "reset",
        "reset_every",
        "reset_anchor",
        "time_zone",
        "tie_break",
        "retain_periods",
        "starts_at",
        "ends_at",
        "period",
    )
} | {"enabled": "--disable"}  # the one field whose flag is not its name (--enable/--disable)


def add_parser(sub: Any) -> None:
    boards = sub.add_parser(
        "boards",
        help="list, show, create, update, delete or recompute boards",
        description="Manage leaderboards (lb.boards), on DATABASE_URL (or the servers `make "
        "run` started) as a role that may call the board functions (lb_web, or the owner).",
    )
    actions = boards.add_subparsers(dest="action", required=True, metavar="action")

    listing = actions.add_parser("list", help="every board, global first")
    json_flag(listing)

    show = actions.add_parser("show", help="one board and its readable periods")
    show.add_argument("board")
    json_flag(show)

    create = actions.add_parser(
        "create",
        help="create a board",
        description="Create a board. --reset fixed needs --reset-every (P28D: 28 days from an "
        "anchor on the board's calendar, or PT90M: 90 minutes); --backfill fills its readable "
        "periods from the session log (submits wait meanwhile).",
    )
    create.add_argument("board", help="slug: a-z 0-9 _ -, at most 40")
    create.add_argument("--game-mode", choices=GAME_MODES, help="only this mode (default: all)")
    create.add_argument("--aggregate", choices=AGGREGATES, default="sum")
    create.add_argument("--reset", choices=RESETS, default="never")
    create.add_argument(
        "--reset-every", help="for --reset fixed: an ISO 8601 duration, P28D or PT90M"
    )
    create.add_argument(
        "--reset-anchor", help="for --reset fixed: a local time, e.g. 2026-01-05T00:00:00"
    )
    create.add_argument("--time-zone", default="UTC", help="an IANA name (default UTC)")
    create.add_argument("--tie-break", choices=TIE_BREAKS, default="shared")
    create.add_argument("--retain-periods", type=_retention, default=8, help="0..1000 (default 8)")
    create.add_argument("--starts-at", help="only sessions from this time (ISO 8601)")
    create.add_argument("--ends-at", help="only sessions before this time (ISO 8601)")
    create.add_argument("--disabled", action="store_true", help="create it disabled")
    create.add_argument("--backfill", action="store_true", help="fill it from the session log")
    create.add_argument(
        "--if-missing", action="store_true", help="do nothing when the board exists"
    )
    json_flag(create)

    update = actions.add_parser(
        "update",
        help="enable, disable, change retention or end",
        description="Change what keeps a board's values meaning the same: enabled, "
        "retention, end. Its mode, aggregate, reset, time zone and ties cannot change.",
    )
    update.add_argument("board")
    state = update.add_mutually_exclusive_group()
    state.add_argument("--enable", action="store_true")
    state.add_argument("--disable", action="store_true")
    update.add_argument("--retain-periods", type=_retention)
    update.add_argument("--ends-at", help="ISO 8601 time, or 'none' to remove the end")
    json_flag(update)

    delete = actions.add_parser("delete", help="delete a board and its values (not sessions)")
    delete.add_argument("board")
    json_flag(delete)

    recompute = actions.add_parser(
        "recompute",
        help="rebuild a board's values from the session log",
        description="Recompute a board's readable periods (or one) from the session log; "
        "submits wait while it runs. For repairs.",
    )
    recompute.add_argument("board")
    recompute.add_argument("--period", help="one period's start (ISO 8601)")
    json_flag(recompute)


def _retention(raw: str) -> int:
    """--retain-periods as lb.create_board takes it (checked here too: a number past what
    PostgreSQL's integer holds never reached it, and failed as an internal error)."""
    rule = rules.range_rule(0, rules.MAX_RETAIN_PERIODS)
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not 0 <= value <= rules.MAX_RETAIN_PERIODS:
        raise argparse.ArgumentTypeError(f"--retain-periods {rule}, got {raw!r}")
    return value


def run(settings: config.Settings, args: argparse.Namespace) -> int:
    return cli_actions.run(settings, args, _act, _print, FLAGS)


def _act(conn: psycopg.Connection, args: argparse.Namespace) -> Any:
    if args.action == "list":
        return sqlapi.boards(conn)
    if args.action == "show":
        board = next((b for b in sqlapi.boards(conn) if b["board_id"] == args.board), None)
        if board is None:
            # the SQL API's own message, as for every other command
            sqlapi.board_periods(conn, args.board)
        return {**board, "periods": sqlapi.board_periods(conn, args.board)}
    if args.action == "create":
        if args.if_missing and any(b["board_id"] == args.board for b in sqlapi.boards(conn)):
            return None
        return sqlapi.create_board(
            conn,
            args.board,
            game_mode=args.game_mode,
            aggregate=args.aggregate,
            reset=args.reset,
            reset_every=duration(args.reset_every, "reset_every"),
            reset_anchor=local_time(args.reset_anchor, "reset_anchor"),
            time_zone=args.time_zone,
            tie_break=args.tie_break,
            retain_periods=args.retain_periods,
            starts_at=instant(args.starts_at, "starts_at"),
            ends_at=instant(args.ends_at, "ends_at"),
            enabled=not args.disabled,
            backfill=args.backfill,
        )
    if args.action == "update":
        fields: dict[str, Any] = {}
        if args.enable or args.disable:
            fields["enabled"] = args.enable
        if args.retain_periods is not None:
            fields["retain_periods"] = args.retain_periods
        if args.ends_at is not None:
            fields["ends_at"] = (
                "infinity" if args.ends_at == "none" else instant(args.ends_at, "ends_at")
            )
        if not fields:
            raise InvalidArgument(
                "nothing to change: give --enable, --disable, --retain-periods or --ends-at"
            )
        return sqlapi.update_board(conn, args.board, **fields)
    if args.action == "delete":
        return {"board_id": args.board, "entries_deleted": sqlapi.delete_board(conn, args.board)}
    if args.action == "recompute":
        written = sqlapi.recompute_board(conn, args.board, instant(args.period, "period"))
        return {"board_id": args.board, "entries_written": written}
    raise AssertionError(args.action)


def instant(raw: str | None, field: str) -> datetime | None:
    if raw is None:
        return None
    try:
        return parse_instant(raw)
    except InstantError as exc:
        raise InvalidArgument(f"{field} {exc}, got {raw!r}", field=field) from None


def duration(raw: str | None, field: str) -> str | None:
    """An ISO 8601 duration, passed on as written (see leaderboard.durations)."""
    if raw is not None and not durations.is_iso(raw):
        raise InvalidArgument(f"{field} {durations.RULE}, got {raw!r}", field=field)
    return raw


def local_time(raw: str | None, field: str) -> datetime | None:
    """A wall-clock time without an offset (a fixed board's anchor, in its time zone)."""
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is not None:
        raise InvalidArgument(
            f"{field} must be a local time without an offset (2026-01-05T00:00:00), got {raw!r}",
            field=field,
        )
    return moment


def _print(action: str, result: Any) -> None:
    out = sys.stdout
    if action == "list":
        widths = {c: max(len(c), *(len(str(r[c] or "-")) for r in result)) for c in COLUMNS}
        print("  ".join(c.ljust(widths[c]) for c in COLUMNS), file=out)
        for row in result:
            print("  ".join(str(row[c] or "-").ljust(widths[c]) for c in COLUMNS), file=out)
        return
    if isinstance(result, dict):
        for key, value in result.items():
            if key == "periods":
                print("periods:", file=out)
                for p in value:
                    start = plain(p["period_start"]) if p["period_start"] else "all time"
                    end = plain(p["period_end"]) if p["period_end"] else "-"
                    print(f"  {start} .. {end}  players {p['players']}", file=out)
            else:
                shown = plain(value) if isinstance(value, timedelta | datetime) else value
                print(f"{key}: {'-' if shown is None else shown}", file=out)
