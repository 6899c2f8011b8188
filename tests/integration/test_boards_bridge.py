"""Boards through the bridge, against real PostgreSQL and Redis: every board-period in SQL
equals a plain Python model (tests/support/model.py), and Redis equals SQL after propagation,
ranks and order included; boards are rebuilt, pruned and dropped one at a time."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bridge.status import Status
from bridge.syncer import Syncer
from leaderboard.feed import ChangeFeed
from leaderboard.index import encoding
from leaderboard.index.reader import IndexReader
from leaderboard.index.writer import IndexWriter
from tests.support.bridge import (
    KEYS,
    BridgeProcess,
    BridgeThread,
    redis_entries,
    settings_for,
    sql_entries,
    sql_periods,
    wait_until,
)
from tests.support.model import BoardDef, BoardModel, Session

MODES = ["classic", "ranked", "casual"]


def set_clock(conn, when: datetime | None) -> None:
    conn.execute("select set_config('lb.test_now', %s, false)", (when.isoformat() if when else "",))


def sql_page(conn, board: str, period: datetime | None) -> list[tuple]:
    return conn.execute(
        "select rank, user_id, username, total_score from lb.top_players(100, 0, %s, %s)",
        (board, period),
    ).fetchall()


def redis_page(reader: IndexReader, board: str, period: datetime | None) -> list[tuple]:
    key = encoding.period_key(None if period is None else int(period.timestamp()))
    return [(r.rank, r.user_id, r.username, r.total_score) for r in reader.page(100, 0, board, key)]


def boards_converged(conn, reader: IndexReader, boards: list[str]) -> bool:
    try:
        return all(
            redis_page(reader, b, p) == sql_page(conn, b, p)
            for b in boards
            for p in sql_periods(conn, b)
        )
    except Exception:  # an index still missing or being rebuilt
        return False


@pytest.fixture
def reader(redis_client):
    return IndexReader(redis_client, KEYS)


@pytest.fixture
def syncer(database_url, redis_client):
    with psycopg.connect(database_url, autocommit=True) as feed_conn:
        yield Syncer(ChangeFeed(feed_conn), IndexWriter(redis_client, KEYS), Status())


def make_players(conn, n, prefix="m"):
    return [
        conn.execute("select lb.create_player(%s)", (f"{prefix}{i}",)).fetchone()[0]
        for i in range(n)
    ]


# -- the model test ------------------------------------------------------------------------

# sessions fall in 40 days around the start of European summer time (2026-03-29)
T0 = datetime(2026, 3, 10, tzinfo=UTC)
SPAN_S = 40 * 86400

BOARD_DEFS = st.builds(  # tie_break and aggregate weigh towards earliest and best
    BoardDef,
    reset=st.sampled_from(["never", "daily", "weekly", "monthly", "fixed"]),
    time_zone=st.sampled_from(["UTC", "Europe/Berlin"]),
    aggregate=st.sampled_from(["sum", "best", "best"]),
    tie_break=st.sampled_from(["shared", "earliest", "earliest"]),
    game_mode=st.sampled_from([None, "ranked"]),
    reset_every=st.sampled_from([timedelta(days=1), timedelta(days=7), timedelta(hours=6)]),
).map(
    lambda b: BoardDef(
        **{
            **b.__dict__,
            "reset_every": b.reset_every if b.reset == "fixed" else None,
            "reset_anchor": datetime(2026, 3, 2) if b.reset == "fixed" else None,
            "retain_periods": 1000,
        }
    )
)
# Sessions come in any order of time, as concurrent transactions commit: a later commit can
# carry an earlier timestamp, which moves an earliest board's tie time back. Each is followed
# by a sync or not, so Redis sees some states one at a time and others merged.
SESSIONS = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.sampled_from([0, 0, 1, 7, 7, 100, 1000]),  # repeats make ties
        st.sampled_from(MODES),
        # whole seconds, and often the first second of a UTC day or of the next one
        st.one_of(
            st.integers(0, SPAN_S),
            st.integers(0, SPAN_S // 86400).map(lambda d: d * 86400),
            st.integers(0, SPAN_S // 86400).map(lambda d: d * 86400 - 1),
        ),
        st.booleans(),
    ),
    max_size=40,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(defs=st.lists(BOARD_DEFS, min_size=1, max_size=3), sessions=SESSIONS)
def test_every_board_and_period_in_sql_equals_the_model_and_redis_equals_sql(
    conn, syncer, reader, redis_client, defs, sessions
):
    conn.execute("select lb.clear_all()")  # a new epoch: the syncer rebuilds every board
    conn.execute("delete from lb.boards where board_id <> 'global'")
    players = make_players(conn, 6)
    now = T0 + timedelta(seconds=SPAN_S + 1)
    set_clock(conn, now)
    set_clock(syncer.feed.conn, now)  # the bridge's idea of now: current periods, retention
    models = {"global": BoardModel(BoardDef())}
    for n, board in enumerate(defs):
        board_id = f"b{n}"
        conn.execute(
            "select lb.create_board(%s, p_game_mode => %s, p_aggregate => %s, p_reset => %s,"
            " p_time_zone => %s, p_tie_break => %s, p_retain_periods => %s,"
            " p_reset_every => %s, p_reset_anchor => %s)",
            (
                board_id,
                board.game_mode,
                board.aggregate,
                board.reset,
                board.time_zone,
                board.tie_break,
                board.retain_periods,
                board.reset_every,
                board.reset_anchor,
            ),
        )
        models[board_id] = BoardModel(board)
    for player, score, mode, offset, sync in sessions:
        when = T0 + timedelta(seconds=max(0, offset))
        set_clock(conn, when)
        conn.execute("select lb.submit_score(%s, %s, %s)", (players[player], score, mode))
        for model in models.values():
            model.add(Session(players[player], score, mode, when))
        if sync:
            syncer.sync_once()
    set_clock(conn, now)
    syncer.sync_once()
    names = {p: f"m{i}" for i, p in enumerate(players)}
    for board_id, model in models.items():
        assert set(sql_periods(conn, board_id)) == set(model.periods), board_id
        for period in model.periods:
            expected = [(r, u, names[u], v) for r, u, v in model.ranked(period)]
            assert sql_page(conn, board_id, period) == expected, (board_id, period)
            assert redis_page(reader, board_id, period) == expected, (board_id, period)
            # exactly the same entries, tie times included, not just the same order
            entries = sql_entries(conn, board_id, period)
            earliest = model.board.tie_break == "earliest"
            found = redis_entries(redis_client, board_id, period, earliest)
            assert found == entries, (board_id, period)
            key = encoding.period_key(None if period is None else int(period.timestamp()))
            for rank, uid, _, value in expected:
                found = reader.rank(uid, board_id, key)
                assert (found.rank, found.total_score) == (rank, value)
                sql = conn.execute(
                    "select rank, total_score from lb.player_rank(%s, %s, %s)",
                    (uid, board_id, period),
                ).fetchone()
                assert sql == (rank, value)
                window = [(r.rank, r.user_id) for r in reader.around(uid, 2, board_id, key)]
                assert (
                    window
                    == conn.execute(
                        "select rank, user_id from lb.players_around(%s, 2, %s, %s)",
                        (uid, board_id, period),
                    ).fetchall()
                )


# -- one board at a time ---------------------------------------------------------------------


def seed_boards(conn):
    conn.execute("select lb.create_board('weekly', p_reset => 'weekly')")
    conn.execute(
        "select lb.create_board('ranked-best', p_game_mode => 'ranked', p_aggregate => 'best',"
        " p_tie_break => 'earliest')"
    )
    conn.execute("select * from lb.seed(300, 1500)")
    return ["global", "weekly", "ranked-best"]


def test_a_board_that_lost_its_set_is_rebuilt_without_touching_the_others(
    conn, syncer, reader, redis_client
):
    boards = seed_boards(conn)
    syncer.sync_once()
    assert boards_converged(conn, reader, boards)
    built = {b: redis_client.hget(KEYS.board_meta(b), "built_at") for b in boards}
    period = reader.board("weekly").current()
    redis_client.delete(KEYS.scores("weekly", period))  # a DEL of one board's key
    syncer.verify()
    assert boards_converged(conn, reader, boards)
    after = {b: redis_client.hget(KEYS.board_meta(b), "built_at") for b in boards}
    assert after["weekly"] != built["weekly"]
    assert {b: after[b] for b in ("global", "ranked-best")} == {
        b: built[b] for b in ("global", "ranked-best")
    }


def test_a_recomputed_board_is_rebuilt_and_a_deleted_one_loses_its_keys(
    conn, syncer, reader, redis_client
):
    seed_boards(conn)
    syncer.sync_once()
    conn.execute("update lb.board_entries set value = value + 1")  # drift, repaired below
    conn.execute("select lb.recompute_board('weekly')")
    syncer.sync_once()
    assert boards_converged(conn, reader, ["weekly"])
    conn.execute("select lb.delete_board('ranked-best')")
    syncer.sync_once()
    left = [k.decode() for k in redis_client.scan_iter(match=KEYS.board("ranked-best") + "*")]
    assert left == []
    assert redis_client.smembers(KEYS.boards) == {b"global", b"weekly"}


def test_periods_past_their_retention_leave_redis_too(conn, syncer, reader, redis_client):
    (player,) = make_players(conn, 1)
    conn.execute("select lb.create_board('daily', p_reset => 'daily', p_retain_periods => 1)")
    for day in (1, 2, 3):
        when = datetime(2026, 6, day, 12, tzinfo=UTC)
        set_clock(conn, when)
        set_clock(syncer.feed.conn, when)
        conn.execute("select lb.submit_score(%s, %s)", (player, day))
        syncer.sync_once()
    syncer.verify()
    periods = {
        k.decode().removeprefix("n:")
        for k in redis_client.hkeys(KEYS.board_meta("daily"))
        if k.startswith(b"n:")
    }
    assert periods == {"20260602T000000Z", "20260603T000000Z"}
    assert not redis_client.exists(KEYS.scores("daily", "20260601T000000Z"))


def test_two_bridges_keep_every_board_equal_to_sql_under_a_stream_of_submits(
    conn, database_url, redis_url, reader
):
    boards = seed_boards(conn)
    players = make_players(conn, 30, prefix="s")
    stop = threading.Event()

    def stream():
        with psycopg.connect(database_url, autocommit=True) as c:
            i = 0
            while not stop.is_set():
                c.execute(
                    "select lb.submit_score(%s, %s, %s)",
                    (players[i % 30], (i * 7919) % 1000, ("ranked", "classic")[i % 2]),
                )
                i += 1

    writer = threading.Thread(target=stream)
    config = settings_for(database_url, redis_url)
    with BridgeThread(config), BridgeThread(config):
        writer.start()
        try:
            wait_until(lambda: reader.board("weekly") is not None, message="boards built")
            threading.Event().wait(2.0)
        finally:
            stop.set()
            writer.join()
        wait_until(lambda: boards_converged(conn, reader, boards), message="every board")


def test_kill_9_of_the_bridge_loses_no_board_change(conn, database_url, redis_url, reader):
    boards = seed_boards(conn)
    players = make_players(conn, 10, prefix="k")
    bridge = BridgeProcess(database_url, redis_url).start()
    try:
        wait_until(lambda: boards_converged(conn, reader, boards), message="first build")
        for i in range(200):
            conn.execute(
                "select lb.submit_score(%s, %s, 'ranked')", (players[i % 10], (i * 31) % 500)
            )
            if i == 100:
                bridge.kill9()
                bridge.close()
        bridge = BridgeProcess(database_url, redis_url).start()
        wait_until(lambda: boards_converged(conn, reader, boards), message="caught up")
    finally:
        bridge.close()


def test_each_board_gets_its_cached_top10_and_its_own_events(
    conn, database_url, redis_url, redis_client
):
    seed_boards(conn)
    events = redis_client.pubsub(ignore_subscribe_messages=True)
    events.subscribe(KEYS.events)
    with BridgeThread(settings_for(database_url, redis_url)):
        caches = wait_until(
            lambda: (
                all(redis_client.get(KEYS.top10(b)) for b in ("global", "weekly", "ranked-best"))
                and {b: json.loads(redis_client.get(KEYS.top10(b))) for b in ("global", "weekly")}
            ),
            message="the caches",
        )
        seen: set[str] = set()

        def got_events():
            message = events.get_message(timeout=0.2)
            if message:
                seen.add(json.loads(message["data"])["board"])
            return {"global", "weekly", "ranked-best"} <= seen

        wait_until(got_events, message="an event per board")
    events.close()
    weekly = conn.execute(
        "select rank, user_id, username, total_score from lb.top_players(10, 0, 'weekly')"
    ).fetchall()
    cache = caches["weekly"]
    assert [tuple(e.values()) for e in cache["data"]] == weekly
    start = conn.execute(
        "select period_start from lb.boards() where board_id = 'weekly'"
    ).fetchone()[0]
    assert cache["board"] == "weekly"
    assert cache["period"]["start"] == start.astimezone(UTC).isoformat(
        timespec="milliseconds"
    ).replace("+00:00", "Z")
    assert caches["global"]["period"] == {"start": None, "end": None}


def test_a_redis_flush_rebuilds_every_board(conn, syncer, reader, redis_client):
    boards = seed_boards(conn)
    syncer.sync_once()
    redis_client.flushall()
    (player,) = make_players(conn, 1, prefix="after_flush")
    conn.execute("select lb.submit_score(%s, 5, 'ranked')", (player,))
    syncer.sync_once()
    assert boards_converged(conn, reader, boards)


def test_an_earlier_tie_committed_later_reorders_redis_like_sql(conn, syncer, reader):
    a, b = make_players(conn, 2, prefix="t")
    conn.execute(
        "select lb.create_board('first-best', p_aggregate => 'best', p_tie_break => 'earliest')"
    )
    for who, minute in ((a, 5), (b, 3), (a, 1)):
        set_clock(conn, datetime(2026, 3, 1, 10, minute, tzinfo=UTC))
        conn.execute("select lb.submit_score(%s, 500)", (who,))
        syncer.sync_once()
    expected = [(1, a, "t0", 500), (2, b, "t1", 500)]
    assert sql_page(conn, "first-best", None) == expected
    assert redis_page(reader, "first-best", None) == expected
