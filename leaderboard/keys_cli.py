"""`leaderboard keys ...`: the server keys game servers send with each HTTP submit.

A key's secret is printed once, by `create` and `rotate`; PostgreSQL keeps only its SHA-256.
Everything goes through lb.create_key and the functions around it, as a login of
lb_moderator (or the owner), so the CLI validates as the SQL API does, and every change is in
the audit log under the login that made it.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import psycopg

from leaderboard import cli_actions, config, sqlapi
from leaderboard.boards_cli import duration
from leaderboard.cli_actions import json_flag, shown
from leaderboard.rules import GAME_MODES

FLAGS = {"game_modes": "--scope", "grace": "--grace", "key_name": "NAME"}
COLUMNS = ("key_name", "game_modes", "created_at", "last_used_at", "revoked_at")


def add_parser(sub: Any) -> None:
    keys = sub.add_parser(
        "keys",
        help="create, list, rotate or revoke the server keys game servers submit with",
        description="Server keys: in production a submit over HTTP needs one "
        "(`Authorization: Bearer <key>`), and each session records the key that wrote it. "
        "Runs on DATABASE_URL (or the servers `make run` started) as a login of lb_moderator "
        "or the owner.",
    )
    actions = keys.add_subparsers(dest="action", required=True, metavar="action")
    create = actions.add_parser(
        "create", help="a new key; its secret is printed once, store it then"
    )
    create.add_argument("name", help="a-z 0-9 _ . -, at most 63 (e.g. arena-eu-1)")
    create.add_argument(
        "--scope",
        action="append",
        choices=GAME_MODES,
        metavar="MODE",
        help="a game mode the key may submit (repeat for more; default: every mode)",
    )
    json_flag(create)
    json_flag(actions.add_parser("list", help="every key (without secrets), revoked last"))
    rotate = actions.add_parser(
        "rotate", help="a new secret for a key, printed once; the old one ends after --grace"
    )
    rotate.add_argument("name")
    rotate.add_argument(
        "--grace",
        default="PT0S",
        help="how long the old secret keeps working, ISO 8601 up to P7D (default: not at all)",
    )
    json_flag(rotate)
    revoke = actions.add_parser("revoke", help="refuse a key's secrets from now on")
    revoke.add_argument("name")
    json_flag(revoke)


def run(settings: config.Settings, args: argparse.Namespace) -> int:
    return cli_actions.run(settings, args, _act, _print, FLAGS)


def _act(conn: psycopg.Connection, args: argparse.Namespace) -> Any:
    if args.action == "create":
        return sqlapi.create_key(conn, args.name, args.scope)
    if args.action == "list":
        return sqlapi.list_keys(conn)
    if args.action == "rotate":
        return sqlapi.rotate_key(conn, args.name, duration(args.grace, "grace"))
    if args.action == "revoke":
        return sqlapi.revoke_key(conn, args.name)
    raise AssertionError(args.action)


def _print(action: str, result: Any) -> None:
    out = sys.stdout
    if action == "list":
        cli_actions.table([{**r, "game_modes": r["game_modes"] or "all"} for r in result], COLUMNS)
        return
    if action == "create":
        modes = ", ".join(result["game_modes"] or ["every mode"])
        print(f"key {result['key_name']} created, for {modes}", file=out)
    if action == "rotate":
        until = result["previous_valid_until"]
        ends = f"works until {shown(until)}" if until else "no longer works"
        print(f"key {result['key_name']} rotated; the previous secret {ends}", file=out)
    if action in ("create", "rotate"):
        print(f"secret (shown once; give it to the game servers now): {result['secret']}")
        return
    print(f"key {result['key_name']} revoked at {shown(result['revoked_at'])}", file=out)
