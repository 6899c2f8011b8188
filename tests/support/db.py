"""Assertions shared by the test tiers."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from tests.support.shards import ProxyConnection


def db_state(conn: psycopg.Connection) -> dict[str, Any]:
    """Everything a write could touch, to prove a rejected call changed nothing (on every
    shard, through a proxy)."""
    if isinstance(conn, ProxyConnection):
        return {"shards": [db_state(shard) for shard in conn.shards]}
    row = conn.execute(
        """
        select
            (select count(*) from lb.users),
            (select count(*) from lb.game_sessions),
            (select count(*) from lb.board_entries),
            (select coalesce(sum(value), 0) from lb.board_entries),
            (select coalesce(array_agg(
                e.board_no || ':' || e.period_start || ':' || e.user_id || ':' || e.value
                || ':' || e.tie_at order by e.board_no, e.period_start, e.user_id), '{}')
               from lb.board_entries as e),
            (select count(*) from lb.idempotency_keys),
            (select coalesce(array_agg(
                b.board_no || ':' || b.period_start || ':' || b.bucket || ':' || b.players
                order by b.board_no, b.period_start, b.bucket), '{}')
               from lb.board_buckets as b where b.players > 0),
            (select epoch from lb.feed_epoch),
            (select boards_version from lb.feed_epoch),
            (select coalesce(array_agg(b::text order by b.board_no), '{}') from lb.boards as b),
            (select coalesce(array_agg(k::text order by k.name), '{}') from lb.server_keys as k),
            (select count(*) from lb.audit_log),
            (select count(*) from lb.game_sessions where written_by is not null)
        """
    ).fetchone()
    keys = (
        "users",
        "sessions",
        "entries",
        "total",
        "values",
        "idempotency_keys",
        "histogram",
        "epoch",
        "boards_version",
        "boards",
        "server_keys",
        "audit_log",
        "sessions_with_writer",
    )
    return dict(zip(keys, row, strict=True))


def assert_rejected(
    conn: psycopg.Connection,
    sqlstate: str,
    fragment: str,
    query: str,
    params: tuple = (),
    observer: psycopg.Connection | None = None,
) -> psycopg.Error:
    """The call fails with `sqlstate`, its message contains `fragment`, and nothing changed
    (as `observer` sees it, for callers that may not read the tables themselves)."""
    observer = observer or conn
    before = db_state(observer)
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(query, params)
    assert caught.value.sqlstate == sqlstate, caught.value
    assert fragment in caught.value.diag.message_primary
    assert db_state(observer) == before
    return caught.value


def global_totals(conn: psycopg.Connection) -> dict[int, int]:
    """Every player's total on the `global` board."""
    return dict(
        conn.execute(
            "select e.user_id, e.value from lb.board_entries as e"
            " join lb.boards as b using (board_no) where b.board_id = 'global'"
        ).fetchall()
    )


def expected_ranks(totals: dict[int, int]) -> dict[int, int]:
    """Competition ranking, computed the slow obvious way."""
    return {uid: 1 + sum(1 for t in totals.values() if t > total) for uid, total in totals.items()}


def expected_order(totals: dict[int, int]) -> list[int]:
    return sorted(totals, key=lambda uid: (-totals[uid], uid))


def check_histogram(conn):
    """The rank histogram equals a count of the entries, bucket by bucket (on every shard,
    through a proxy)."""
    if isinstance(conn, ProxyConnection):
        for shard in conn.shards:
            check_histogram(shard)
        return
    exact = conn.execute(
        "select coalesce(array_agg(board_no || ':' || period_start || ':' || b || ':' || n"
        " order by board_no, period_start, b), '{}') from"
        " (select board_no, period_start, lb._score_bucket(value) as b, count(*) as n"
        " from lb.board_entries"
        " group by 1, 2, 3) as h"
    ).fetchone()[0]
    kept = conn.execute(
        "select coalesce(array_agg(board_no || ':' || period_start || ':' || bucket || ':'"
        " || players order by board_no, period_start, bucket), '{}')"
        " from lb.board_buckets where players > 0"
    ).fetchone()[0]
    assert kept == exact
