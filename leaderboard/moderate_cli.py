"""`leaderboard rules ...` and `leaderboard moderate ...`: the plausibility rules and what a
moderator does with the sessions they hold, who wrote a player's sessions, and the audit log.

Everything goes through the lb.* functions, as a login of lb_moderator (or the owner), so
the CLI validates as the SQL API does, and every action is in the audit log under the login
that took it.
"""

from __future__ import annotations

import argparse
from typing import Any

import psycopg

from leaderboard import cli_actions, config, sqlapi
from leaderboard.boards_cli import instant
from leaderboard.cli_actions import json_flag, table
from leaderboard.errors import InvalidArgument
from leaderboard.rules import GAME_MODES

KINDS = ("max_score", "max_submits_per_minute", "max_gain_per_period")
FLAGS = {
    "rule_id": "RULE",
    "kind": "--kind",
    "threshold": "--threshold",
    "game_mode": "--game-mode",
    "board": "--board",
    "session_id": "SESSION",
    "user_id": "PLAYER",
    "limit": "--limit",
    "since": "--since",
}
RULE_COLUMNS = ("rule_id", "kind", "threshold", "game_mode", "board_id", "enabled")
HELD_COLUMNS = ("session_id", "user_id", "username", "score", "game_mode", "played_at", "held_by")
SESSION_COLUMNS = ("session_id", "score", "game_mode", "played_at", "written_by", "review")
AUDIT_COLUMNS = ("audit_id", "at", "actor", "action", "subject", "reason")


def _int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {raw!r}") from None


def add_parsers(sub: Any) -> None:
    where = (
        "Runs on DATABASE_URL (or the servers `make run` started) as a login of lb_moderator "
        "or the owner; every change is in the audit log (`leaderboard moderate log`)."
    )
    rules = sub.add_parser(
        "rules",
        help="list, create, update or delete the plausibility rules that hold sessions",
        description="Plausibility rules: a session that breaks one is recorded but held, "
        "counted on no board until a moderator approves it. " + where,
    )
    actions = rules.add_subparsers(dest="action", required=True, metavar="action")
    json_flag(actions.add_parser("list", help="every rule"))
    create = actions.add_parser("create", help="a new rule")
    create.add_argument("rule", help="a-z 0-9 _ -, at most 40 (e.g. classic-cap)")
    create.add_argument("--kind", required=True, choices=KINDS)
    create.add_argument(
        "--threshold",
        required=True,
        type=_int,
        help="the highest score / submits a minute / gain in a period that passes",
    )
    create.add_argument("--game-mode", choices=GAME_MODES, help="only this mode (default: all)")
    create.add_argument("--board", help="for max_gain_per_period: a sum board that resets")
    json_flag(create)
    update = actions.add_parser("update", help="turn a rule on or off, or change its threshold")
    update.add_argument("rule")
    on_off = update.add_mutually_exclusive_group()
    on_off.add_argument("--enable", action="store_true")
    on_off.add_argument("--disable", action="store_true")
    update.add_argument("--threshold", type=_int)
    json_flag(update)
    delete = actions.add_parser(
        "delete", help="delete a rule (the sessions it held stay held until reviewed)"
    )
    delete.add_argument("rule")
    json_flag(delete)

    moderate = sub.add_parser(
        "moderate",
        help="review held sessions, see who wrote a player's sessions, read the audit log",
        description="What moderators do. " + where,
    )
    actions = moderate.add_subparsers(dest="action", required=True, metavar="action")
    held = actions.add_parser("held", help="the held queue, oldest first")
    held.add_argument("--rule")
    held.add_argument("--game-mode", choices=GAME_MODES)
    held.add_argument("--player", type=_int)
    held.add_argument("--since", help="played at or after this time (ISO 8601)")
    held.add_argument("--limit", type=_int, default=50, help="1..100 (default 50)")
    held.add_argument("--after", type=_int, help="the last session id of the previous page")
    json_flag(held)
    for name, text in (
        ("approve", "count a held session, as if accepted when it was played"),
        ("reject", "keep a held session in the log, counted nowhere"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("session", type=_int)
        action.add_argument("--reason", help="why, for the audit log")
        json_flag(action)
    sessions = actions.add_parser(
        "sessions", help="a player's sessions with who wrote each (key or login)"
    )
    sessions.add_argument("player", type=_int)
    sessions.add_argument("--limit", type=_int, default=20, help="1..100 (default 20)")
    sessions.add_argument("--before", type=_int, help="the last session id of the previous page")
    json_flag(sessions)
    log = actions.add_parser("log", help="the audit log, newest first")
    about = log.add_mutually_exclusive_group()
    about.add_argument("--player", type=_int, help="actions on this player")
    about.add_argument("--subject", help="actions on this subject (key:NAME, rule:ID, player:ID)")
    log.add_argument("--action", dest="audit_action", help="only this action (key_created, ...)")
    log.add_argument("--since", help="at or after this time (ISO 8601)")
    log.add_argument("--limit", type=_int, default=50, help="1..100 (default 50)")
    log.add_argument("--before", type=_int, help="the last audit id of the previous page")
    json_flag(log)


def run(settings: config.Settings, args: argparse.Namespace) -> int:
    act = _rules if args.command == "rules" else _moderate
    return cli_actions.run(settings, args, act, _print, FLAGS)


def _rules(conn: psycopg.Connection, args: argparse.Namespace) -> Any:
    if args.action == "list":
        return sqlapi.list_rules(conn)
    if args.action == "create":
        return sqlapi.create_rule(
            conn, args.rule, args.kind, args.threshold, game_mode=args.game_mode, board=args.board
        )
    if args.action == "update":
        if not (args.enable or args.disable or args.threshold is not None):
            raise InvalidArgument("nothing to change: give --enable, --disable or --threshold")
        enabled = True if args.enable else False if args.disable else None
        return sqlapi.update_rule(conn, args.rule, enabled=enabled, threshold=args.threshold)
    if args.action == "delete":
        return {"rule_id": args.rule, "still_held": sqlapi.delete_rule(conn, args.rule)}
    raise AssertionError(args.action)


def _moderate(conn: psycopg.Connection, args: argparse.Namespace) -> Any:
    if args.action == "held":
        return sqlapi.held_sessions(
            conn,
            rule_id=args.rule,
            game_mode=args.game_mode,
            user_id=args.player,
            since=instant(args.since, "since"),
            limit=args.limit,
            after=args.after,
        )
    if args.action == "approve":
        boards = sqlapi.approve_session(conn, args.session, args.reason)
        return {"session_id": args.session, "review": "approved", "boards": boards}
    if args.action == "reject":
        sqlapi.reject_session(conn, args.session, args.reason)
        return {"session_id": args.session, "review": "rejected"}
    if args.action == "sessions":
        return sqlapi.session_log(conn, args.player, args.limit, args.before)
    if args.action == "log":
        subject = args.subject
        if args.player is not None:
            subject = f"player:{args.player}"
        return sqlapi.audit_entries(
            conn,
            subject=subject,
            action=args.audit_action,
            since=instant(args.since, "since"),
            limit=args.limit,
            before=args.before,
        )
    raise AssertionError(args.action)


def _print(action: str, result: Any) -> None:
    if isinstance(result, list):
        columns = {
            "list": RULE_COLUMNS,
            "held": HELD_COLUMNS,
            "sessions": SESSION_COLUMNS,
            "log": AUDIT_COLUMNS,
        }[action]
        if result:
            table(result, columns)
        else:
            print("(none)")
        return
    if action in ("approve", "reject"):
        counted = ", ".join(f"{b['board']} {b['value']}" for b in result.get("boards") or [])
        print(
            f"session {result['session_id']} {result['review']}"
            + (f": {counted}" if counted else "")
        )
        return
    if action == "delete":
        print(f"rule {result['rule_id']} deleted; sessions it holds still: {result['still_held']}")
        return
    table([result], RULE_COLUMNS)
