"""Fault injection with real servers, each case under a steady stream of submits over HTTP.

After each fault: every write that got a 201 is in PostgreSQL exactly once; no write that got
a definitive error is; Redis ranks converge to PostgreSQL's within 10 s; retrying with an
idempotency key never double-counts; no client mistake ever got a 500.
"""

from __future__ import annotations

import psycopg
import pytest
import redis

from tests.support.bridge import pg_totals, redis_totals, wait_until
from tests.support.stack import Stack, SubmitStream, request

pytestmark = pytest.mark.faults
CONVERGE_S = 10.0  # the bound the issue sets; lag is normally milliseconds


@pytest.fixture(scope="module")
def stack():
    running = Stack().start()
    yield running
    running.close()


@pytest.fixture
def players(stack):
    with stack.admin() as admin:
        admin.execute("select lb.clear_all()")
        ids = [
            admin.execute("select lb.create_player(%s)", (f"f{i}",)).fetchone()[0]
            for i in range(40)
        ]
    return ids


def wait_for_progress(stream: SubmitStream, more: int) -> None:
    start = stream.acknowledged()
    wait_until(
        lambda: stream.acknowledged() >= start + more,
        timeout=60,
        message=f"{more} more acknowledged writes",
    )


def check_invariants(stack: Stack, stream: SubmitStream, extra: dict | None = None) -> None:
    """`extra`: keys the test wrote itself (key -> (user_id, score)), besides the stream's."""
    assert 500 not in stream.statuses, stream.statuses
    for body, status in stream.mistakes:
        assert status is not None, body
        assert 400 <= status < 500, (body, status)
    stuck = [w for w in stream.writes if isinstance(w.final, tuple)]
    assert not stuck, stuck[:3]

    with stack.admin() as admin:
        stored = {
            key: (user_id, score)
            for key, user_id, score in admin.execute(
                "select idempotency_key, user_id, score from lb.idempotency_keys"
            )
        }
        sessions = admin.execute("select count(*) from lb.game_sessions").fetchone()[0]
        mismatch = admin.execute(
            "select count(*) from lb.board_entries l left join (select user_id, sum(score) s"
            " from lb.game_sessions group by 1) g using (user_id)"
            " where coalesce(g.s, 0) <> l.value"
        ).fetchone()[0]
        pg = pg_totals(admin)

    # exactly once: every session came from one key, and each key is stored once (primary key)
    assert sessions == len(stored)
    assert mismatch == 0
    for write in stream.writes:
        if write.final == 201:
            assert write.key in stored, write
            assert stored[write.key] == (write.user_id, write.score)
        elif write.final in ("SERVICE_UNAVAILABLE",) or (
            isinstance(write.final, int) and 400 <= write.final < 500
        ):
            assert write.key not in stored, write  # a definitive error wrote nothing
    extra = extra or {}
    for key, value in extra.items():
        assert stored.pop(key) == value
    known = {w.key for w in stream.writes}
    assert set(stored) <= known
    # what PostgreSQL holds is what was acknowledged, plus fire-once writes whose outcome
    # was unknown to the client (connection lost mid-write)
    unknown = {w.key for w in stream.writes if w.final in (None, "OUTCOME_UNKNOWN")}
    acked = {w.key for w in stream.writes if w.final == 201}
    assert acked <= set(stored) <= acked | unknown

    client = redis.Redis.from_url(stack.redis.url())
    try:
        wait_until(
            lambda: redis_totals(client) == pg,
            timeout=CONVERGE_S,
            message="Redis == PostgreSQL within 10 s",
        )
    finally:
        client.close()

    # a retry of an acknowledged write returns its first result and counts nothing again
    sample = [w for w in stream.writes if w.final == 201][:5]
    for write in sample:
        status, body = request(
            stack.port,
            "POST",
            "/api/leaderboard/submit",
            {"user_id": write.user_id, "score": write.score},
            headers={"Idempotency-Key": write.key},
        )
        assert status == 201
    with stack.admin() as admin:
        assert admin.execute("select count(*) from lb.game_sessions").fetchone()[0] == sessions


def test_kill_9_the_bridge(stack, players):
    with SubmitStream(stack.port, players) as stream:
        wait_for_progress(stream, 100)
        stack.bridge.kill9()
        wait_for_progress(stream, 150)  # writes are accepted with no bridge
        stack.bridge.start()
        wait_for_progress(stream, 100)
    check_invariants(stack, stream)


def test_restart_redis_empty(stack, players):
    with SubmitStream(stack.port, players) as stream:
        wait_for_progress(stream, 100)
        stack.redis.kill()
        wait_for_progress(stream, 100)  # Redis down: writes still accepted
        status, body = request(stack.port, "GET", "/api/leaderboard/top")
        assert status == 200
        assert body["source"] == "postgres"
        stack.redis.start()  # back, and empty
        wait_for_progress(stream, 100)
    check_invariants(stack, stream)


def started_at(stack: Stack):
    with stack.admin() as admin:
        return admin.execute("select pg_postmaster_start_time()").fetchone()[0]


def test_restart_postgres(stack, players):
    before = started_at(stack)
    reconnects = stack.bridge.output().count("postgres_unavailable")
    with SubmitStream(stack.port, players) as stream:
        wait_for_progress(stream, 100)
        stack.pg.restart(mode="fast")
        wait_for_progress(stream, 150)
    check_invariants(stack, stream)
    # the fault really happened (a quick restart may fit inside the pool's 1 s checkout wait,
    # so no client need have seen an error)
    assert started_at(stack) > before
    assert stack.bridge.output().count("postgres_unavailable") > reconnects


def test_terminate_the_bridges_listening_backend(stack, players):
    with SubmitStream(stack.port, players) as stream:
        wait_for_progress(stream, 100)
        with stack.admin() as admin:
            killed = admin.execute(
                "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity"
                " where application_name = 'leaderboard-bridge'"
            ).fetchone()[0]
        assert killed == 1
        wait_for_progress(stream, 150)
    check_invariants(stack, stream)
    assert "postgres_unavailable" in stack.bridge.output()


def test_a_long_transaction_stalls_the_cursor_without_stopping_the_index(stack, players):
    with stack.admin() as admin:  # its own player: no stream write waits on its row lock
        loner = admin.execute("select lb.create_player('long_txn')").fetchone()[0]
    holder = psycopg.connect(stack.admin_url)  # not autocommit: one open transaction
    try:
        with SubmitStream(stack.port, players) as stream:
            wait_for_progress(stream, 50)
            # takes an xid and writes, then stays open: the snapshot's xmin cannot pass it
            holder.execute(
                "select * from lb.submit_score(%s, 777, 'classic', 'long-txn')", (loner,)
            )
            wait_for_progress(stream, 200)
        # everything committed meanwhile reached Redis although the cursor's xmin is stuck
        client = redis.Redis.from_url(stack.redis.url())
        with stack.admin() as admin:
            wait_until(
                lambda: redis_totals(client) == pg_totals(admin),
                timeout=CONVERGE_S,
                message="Redis converges while the long transaction is open",
            )
        holder.commit()
        with stack.admin() as admin:
            wait_until(
                lambda: redis_totals(client) == pg_totals(admin),
                timeout=CONVERGE_S,
                message="the long transaction's write, after it commits",
            )
        client.close()
    finally:
        holder.close()
    check_invariants(stack, stream, extra={"long-txn": (loner, 777)})
