"""Python calls of the public SQL API: each is one `select ... from lb.<function>(...)`.

Errors come back as domain errors (leaderboard.errors); the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row

from leaderboard.errors import translate


@contextmanager
def _translated(write: bool) -> Iterator[None]:
    try:
        yield
    except psycopg.Error as exc:
        raise translate(exc, write) from exc


def _rows(
    conn: psycopg.Connection, query: str, params: tuple | list, write: bool = False
) -> list[dict[str, Any]]:
    with _translated(write), conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, params)
        return cur.fetchall()


def create_player(conn: psycopg.Connection, username: str) -> int:
    return _rows(conn, "select lb.create_player(%s) as id", (username,), write=True)[0]["id"]


def submit_score(
    conn: psycopg.Connection,
    user_id: int,
    score: int,
    game_mode: str = "classic",
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    return _rows(
        conn,
        "select * from lb.submit_score(%s, %s, %s, %s)",
        (user_id, score, game_mode, idempotency_key),
        write=True,
    )[0]


def player_rank(conn: psycopg.Connection, user_id: int) -> dict[str, Any]:
    return _rows(conn, "select * from lb.player_rank(%s)", (user_id,))[0]


def top_players(conn: psycopg.Connection, limit: int = 10, offset: int = 0) -> list[dict[str, Any]]:
    return _rows(conn, "select * from lb.top_players(%s, %s)", (limit, offset))


def players_around(conn: psycopg.Connection, user_id: int, radius: int = 5) -> list[dict[str, Any]]:
    return _rows(conn, "select * from lb.players_around(%s, %s)", (user_id, radius))


def player_names(conn: psycopg.Connection, user_ids: list[int]) -> dict[int, str]:
    rows = _rows(conn, "select * from lb.player_names(%s)", (user_ids,))
    return {row["user_id"]: row["username"] for row in rows}


def player_sessions(
    conn: psycopg.Connection, user_id: int, limit: int = 20
) -> list[dict[str, Any]]:
    return _rows(conn, "select * from lb.player_sessions(%s, %s)", (user_id, limit))


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
            progress(diag.message_primary)

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


def has_players(conn: psycopg.Connection) -> bool:
    return _rows(conn, "select lb.has_players() as has", ())[0]["has"]
