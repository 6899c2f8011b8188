"""Python calls of the public SQL API: each is one `select ... from lb.<function>(...)`.

Errors come back as domain errors (leaderboard.errors); the caller owns the transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from leaderboard.errors import translate


@contextmanager
def _translated(write: bool) -> Iterator[None]:
    try:
        yield
    except psycopg.Error as exc:
        raise translate(exc, write) from exc


def _rows(
    conn: psycopg.Connection,
    query: str | sql.Composed,
    params: tuple | list,
    write: bool = False,
) -> list[dict[str, Any]]:
    with _translated(write), conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, params)
        return cur.fetchall()


def create_player(conn: psycopg.Connection, username: str) -> int:
    return _rows(conn, "select lb.create_player(%s) as id", (username,), write=True)[0]["id"]


# Constant statements, built once: the unkeyed ones leave lb.session_boards out; the
# authenticated ones check the server key in the same statement (a refused key raises before
# lb.submit_score runs, so it writes nothing, in one round trip).
_SUBMIT_FROM = " from lb.submit_score(%s, %s, %s, %s) as s"
_SUBMIT_AUTHED_FROM = (
    " from lb.authenticate_key(%s, %s) as a, lb.submit_score(%s, %s, %s, %s, a.writer) as s"
)
_ENTRIES = (
    " (select coalesce(jsonb_agg(e), '[]') from lb.session_entries(s.session_id) as e) as entries"
)
_SUBMIT = {
    (keyed, authed): "select s.session_id, s.user_id, s.score, s.total_score, s.held_by,"
    + (" lb.session_boards(s.session_id, %s) as boards," if keyed else "")
    + _ENTRIES
    + (_SUBMIT_AUTHED_FROM if authed else _SUBMIT_FROM)
    for keyed in (False, True)
    for authed in (False, True)
}


def submit_score(
    conn: psycopg.Connection,
    user_id: int,
    score: int,
    game_mode: str = "classic",
    idempotency_key: str | None = None,
    *,
    with_boards: bool = False,
    key_hash: bytes | None = None,
) -> dict[str, Any]:
    """lb.submit_score; with_boards adds, in the same statement (one round trip), the boards
    the session counted on (`boards`, lb.session_boards) and the index entries that show it
    (`entries`, lb.session_entries: what the web app echoes into Redis). key_hash: the
    SHA-256 of a server key's secret, checked by lb.authenticate_key in the same statement,
    whose writer the session records (with_boards only: the web app's path)."""
    if not with_boards:
        return _rows(
            conn,
            "select * from lb.submit_score(%s, %s, %s, %s)",
            (user_id, score, game_mode, idempotency_key),
            write=True,
        )[0]
    # A keyed submit answers what its first attempt counted (lb.session_boards reads it
    # back); an unkeyed one's boards are its entries', so they are derived here instead of
    # calling a second function in the statement (measured: ~0.3 ms of each submit).
    keyed = idempotency_key is not None
    authed = key_hash is not None
    row = _rows(
        conn,
        _SUBMIT[keyed, authed],
        ((idempotency_key,) if keyed else ())
        + ((key_hash, game_mode) if authed else ())
        + (user_id, score, game_mode, idempotency_key),
        write=True,
    )[0]
    if not keyed:
        row["boards"] = boards_of(row["entries"])
    return row


def boards_of(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """lb.session_boards' answer from lb.session_entries' rows: {board, value, period_start}
    (jsonb's key order, so a first submit and its keyed retry print alike), `global` first,
    then by board id (lb._boards_json's shape and order)."""
    ordered = sorted(entries, key=lambda e: (e["board_id"] != GLOBAL, e["board_id"]))
    return [
        {
            "board": e["board_id"],
            "value": e["value"],
            "period_start": None
            if e["period_start"] is None
            else datetime.fromtimestamp(e["period_start"], UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        }
        for e in ordered
    ]


GLOBAL = "global"


def player_rank(
    conn: psycopg.Connection,
    user_id: int,
    board: str = GLOBAL,
    period: datetime | None = None,
    *,
    with_period: bool = False,
) -> dict[str, Any]:
    # the columns the single-board API always returned; a board's reads add the period's
    if with_period:
        query = (
            "select user_id, username, total_score, rank, period_start, period_end"
            " from lb.player_rank(%s, %s, %s)"
        )
    else:
        query = "select user_id, username, total_score, rank from lb.player_rank(%s, %s, %s)"
    return _rows(conn, query, (user_id, board, period))[0]


def top_players(
    conn: psycopg.Connection,
    limit: int = 10,
    offset: int = 0,
    board: str = GLOBAL,
    period: datetime | None = None,
) -> list[dict[str, Any]]:
    return _rows(
        conn,
        "select rank, user_id, username, total_score from lb.top_players(%s, %s, %s, %s)",
        (limit, offset, board, period),
    )


def players_around(
    conn: psycopg.Connection,
    user_id: int,
    radius: int = 5,
    board: str = GLOBAL,
    period: datetime | None = None,
) -> list[dict[str, Any]]:
    return _rows(
        conn,
        "select rank, user_id, username, total_score from lb.players_around(%s, %s, %s, %s)",
        (user_id, radius, board, period),
    )


def boards(conn: psycopg.Connection) -> list[dict[str, Any]]:
    return _rows(conn, "select * from lb.boards()", ())


def board_periods(conn: psycopg.Connection, board: str) -> list[dict[str, Any]]:
    return _rows(conn, "select * from lb.board_periods(%s)", (board,))


# the named arguments of lb.create_board / lb.update_board (besides the board id)
BOARD_ARGUMENTS = frozenset(
    {
        "game_mode",
        "aggregate",
        "reset",
        "time_zone",
        "tie_break",
        "retain_periods",
        "reset_every",
        "reset_anchor",
        "starts_at",
        "ends_at",
        "enabled",
        "backfill",
    }
)


def _named(function: str, first: Any, fields: dict[str, Any]) -> tuple[sql.Composed, tuple]:
    unknown = set(fields) - BOARD_ARGUMENTS
    if unknown:
        raise ValueError(f"{function} has no argument {', '.join(sorted(unknown))}")
    query = sql.SQL("select * from lb.{}(%s{})").format(
        sql.Identifier(function),
        sql.SQL("").join(sql.SQL(", {} => %s").format(sql.Identifier(f"p_{n}")) for n in fields),
    )
    return query, (first, *fields.values())


def create_board(conn: psycopg.Connection, board_id: str, **fields: Any) -> dict[str, Any]:
    """lb.create_board with named arguments (game_mode=..., backfill=True, ...)."""
    query, params = _named("create_board", board_id, fields)
    return _rows(conn, query, params, write=True)[0]


def update_board(conn: psycopg.Connection, board: str, **fields: Any) -> dict[str, Any]:
    query, params = _named("update_board", board, fields)
    return _rows(conn, query, params, write=True)[0]


def delete_board(conn: psycopg.Connection, board: str) -> int:
    return _rows(conn, "select lb.delete_board(%s) as entries", (board,), write=True)[0]["entries"]


def recompute_board(conn: psycopg.Connection, board: str, period: datetime | None = None) -> int:
    return _rows(conn, "select lb.recompute_board(%s, %s) as entries", (board, period), write=True)[
        0
    ]["entries"]


def player_names(conn: psycopg.Connection, user_ids: list[int]) -> dict[int, str]:
    rows = _rows(conn, "select * from lb.player_names(%s)", (user_ids,))
    return {row["user_id"]: row["username"] for row in rows}


def player_sessions(
    conn: psycopg.Connection, user_id: int, limit: int = 20
) -> list[dict[str, Any]]:
    return _rows(conn, "select * from lb.player_sessions(%s, %s)", (user_id, limit))


_REMOTE_NOTICE = re.compile(r"^.*?\[[^\]]*\] REMOTE NOTICE:\s*")


def seed(
    conn: psycopg.Connection,
    users: int,
    sessions: int,
    random_seed: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Run lb.seed; `progress` receives its NOTICE lines (one per finished step)."""

    def on_notice(diag: psycopg.errors.Diagnostic) -> None:
        if progress and diag.message_primary:
            # through PL/Proxy each shard's NOTICE arrives wrapped as
            # "<function>: [<db>] REMOTE NOTICE: <message>"; the message is what reads well
            progress(_REMOTE_NOTICE.sub("", diag.message_primary))

    conn.add_notice_handler(on_notice)
    try:
        return _rows(
            conn, "select * from lb.seed(%s, %s, %s)", (users, sessions, random_seed), write=True
        )[0]
    finally:
        conn.remove_notice_handler(on_notice)


def clear_all(conn: psycopg.Connection) -> None:
    _rows(conn, "select lb.clear_all() as cleared", (), write=True)


def applied_migrations(conn: psycopg.Connection) -> set[str]:
    return {row["id"] for row in _rows(conn, "select id from lb.schema_migrations() as id", ())}


def is_proxy(conn: psycopg.Connection) -> bool:
    """Whether the database is a PL/Proxy front of shards (db/proxy), which keeps no data."""
    row = conn.execute(
        "select to_regnamespace('lb_proxy') is not null and to_regclass('lb.boards') is null"
    ).fetchone()
    return bool(row and row[0])


def has_players(conn: psycopg.Connection) -> bool:
    return _rows(conn, "select lb.has_players() as has", ())[0]["has"]


# Server keys (lb.create_key and the functions around it) and the audit log.


def create_key(
    conn: psycopg.Connection, name: str, game_modes: list[str] | None = None
) -> dict[str, Any]:
    return _rows(conn, "select * from lb.create_key(%s, %s)", (name, game_modes), write=True)[0]


def rotate_key(conn: psycopg.Connection, name: str, grace: str | None) -> dict[str, Any]:
    """grace: an ISO 8601 duration, as PostgreSQL reads it (PT1H)."""
    return _rows(conn, "select * from lb.rotate_key(%s, %s)", (name, grace), write=True)[0]


def revoke_key(conn: psycopg.Connection, name: str) -> dict[str, Any]:
    return _rows(conn, "select * from lb.revoke_key(%s)", (name,), write=True)[0]


def list_keys(conn: psycopg.Connection) -> list[dict[str, Any]]:
    return _rows(conn, "select * from lb.list_keys()", ())


def audit_entries(
    conn: psycopg.Connection,
    *,
    subject: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
    before: int | None = None,
) -> list[dict[str, Any]]:
    return _rows(
        conn,
        "select * from lb.audit_entries(%s, %s, %s, %s, %s)",
        (subject, action, since, limit, before),
    )


# Plausibility rules and the held queue.


def create_rule(
    conn: psycopg.Connection,
    rule_id: str,
    kind: str,
    threshold: int,
    *,
    game_mode: str | None = None,
    board: str | None = None,
    actor: str | None = None,
) -> dict[str, Any]:
    """actor: who the audit log names, said by a trusted caller (the web app: its admin
    token); anyone else is recorded as their login whatever they say (lb._actor)."""
    return _rows(
        conn,
        "select * from lb.create_rule(%s, %s, %s, %s, %s, %s)",
        (rule_id, kind, threshold, game_mode, board, actor),
        write=True,
    )[0]


def held_sessions(conn: psycopg.Connection, **filters: Any) -> list[dict[str, Any]]:
    return _rows(
        conn,
        "select * from lb.held_sessions(%s, %s, %s, %s, %s, %s)",
        (
            filters.get("rule_id"),
            filters.get("game_mode"),
            filters.get("user_id"),
            filters.get("since"),
            filters.get("limit", 50),
            filters.get("after"),
        ),
    )


def approve_session(
    conn: psycopg.Connection, session_id: int, reason: str | None, *, actor: str | None = None
) -> Any:
    return _rows(
        conn,
        "select lb.approve_session(%s, %s, %s) as boards",
        (session_id, reason, actor),
        write=True,
    )[0]["boards"]


def reject_session(
    conn: psycopg.Connection, session_id: int, reason: str | None, *, actor: str | None = None
) -> None:
    _rows(conn, "select lb.reject_session(%s, %s, %s)", (session_id, reason, actor), write=True)


def list_rules(conn: psycopg.Connection) -> list[dict[str, Any]]:
    return _rows(conn, "select * from lb.list_rules()", ())


def update_rule(
    conn: psycopg.Connection,
    rule_id: str,
    *,
    enabled: bool | None = None,
    threshold: int | None = None,
    actor: str | None = None,
) -> dict[str, Any]:
    return _rows(
        conn,
        "select * from lb.update_rule(%s, %s, %s, %s)",
        (rule_id, enabled, threshold, actor),
        write=True,
    )[0]


def delete_rule(conn: psycopg.Connection, rule_id: str, *, actor: str | None = None) -> int:
    return _rows(conn, "select lb.delete_rule(%s, %s) as held", (rule_id, actor), write=True)[0][
        "held"
    ]


def session_log(
    conn: psycopg.Connection, user_id: int, limit: int = 20, before: int | None = None
) -> list[dict[str, Any]]:
    return _rows(conn, "select * from lb.session_log(%s, %s, %s)", (user_id, limit, before))
