"""`leaderboard verify [--repair]`: each kind of drift, injected by hand, is found, reported
and repaired; a consistent system verifies clean and a repair of it changes nothing."""

from __future__ import annotations

import json

import psycopg
import pytest

from leaderboard import integrity
from leaderboard.index import encoding
from leaderboard.index.reader import IndexReader
from tests.support.bridge import (
    KEYS,
    BridgeThread,
    settings_for,
    sql_entries,
    wait_until,
)
from tests.support.cli import cli

BOARDS = ("global", "ranked-best", "weekly")


def index_matches(conn, client) -> bool:
    """Every board's index holds what PostgreSQL holds (the bridge has caught up)."""
    from tests.support.bridge import redis_entries

    for board, earliest in (("global", False), ("ranked-best", True)):
        if redis_entries(client, board, None, earliest) != sql_entries(conn, board, None):
            return False
    return client.exists(KEYS.top10("global")) == 1


@pytest.fixture
def system(conn, database_url, redis_url, redis_client):
    """Players, sessions, three boards (sum all-time, best with earliest ties, weekly), an
    index the bridge built and then left alone (stopped: nothing changes under the test)."""
    conn.execute("select * from lb.seed(300, 3000, 0.9)")
    conn.execute(
        "select lb.create_board('ranked-best', p_game_mode => 'ranked', p_aggregate => 'best',"
        " p_tie_break => 'earliest', p_backfill => true)"
    )
    conn.execute("select lb.create_board('weekly', p_reset => 'weekly', p_backfill => true)")
    for user_id in range(1, 40):  # sessions in the current week too
        conn.execute("select lb.submit_score(%s, %s, 'ranked')", (user_id, user_id * 7))
    with BridgeThread(settings_for(database_url, redis_url)):
        wait_until(lambda: index_matches(conn, redis_client), message="the index built")
    return {"database_url": database_url, "redis_url": redis_url}


def verifier(system, client) -> integrity.Verifier:
    url = system["database_url"]
    return integrity.Verifier(
        lambda: psycopg.connect(url, autocommit=True), client, KEYS, settle_s=0.2
    )


def board_no(conn, board: str) -> int:
    return conn.execute("select board_no from lb.boards where board_id = %s", (board,)).fetchone()[
        0
    ]


def a_player(conn, board: str = "global") -> tuple[int, int]:
    """A player from the middle of a board: (user_id, value)."""
    rows = sql_entries(conn, board, None)
    user_id, value, _tie = rows[len(rows) // 2]
    return user_id, value


def totals(conn) -> dict:
    return {
        board: conn.execute(
            "select count(*), sum(value) from lb.board_entries e join lb.boards b"
            " using (board_no) where b.board_id = %s",
            (board,),
        ).fetchone()
        for board in BOARDS
    }


def test_a_consistent_system_verifies_clean_and_a_repair_changes_nothing(
    system, conn, redis_client
):
    before = totals(conn)
    results = verifier(system, redis_client).run(None, None, repair=True)
    assert {r.board for r in results} == set(BOARDS)
    assert all(r.drift == 0 and r.repaired == {} for r in results), integrity.summary(results)
    assert all(r.entries > 0 for r in results)
    assert totals(conn) == before


# -- drift in PostgreSQL, against its own log ------------------------------------------------


def _wrong_value(conn, client):
    user_id, _ = a_player(conn)
    conn.execute(
        "update lb.board_entries set value = value + 5 where board_no = %s and user_id = %s",
        (board_no(conn, "global"), user_id),
    )
    return "global", "postgres:value", user_id


def _missing_entry(conn, client):
    user_id, _ = a_player(conn)
    conn.execute(
        "delete from lb.board_entries where board_no = %s and user_id = %s",
        (board_no(conn, "global"), user_id),
    )
    return "global", "postgres:missing_entry", user_id


def _extra_entry(conn, client):
    user_id = conn.execute(
        "select id from lb.users u where not exists (select from lb.board_entries e"
        " where e.user_id = u.id and e.board_no = %s) limit 1",
        (board_no(conn, "ranked-best"),),
    ).fetchone()[0]
    conn.execute(
        "insert into lb.board_entries (board_no, period_start, user_id, value, tie_at)"
        " values (%s, '-infinity', %s, 12345, now())",
        (board_no(conn, "ranked-best"), user_id),
    )
    return "ranked-best", "postgres:extra_entry", user_id


def _wrong_tie(conn, client):
    user_id, _ = a_player(conn, "ranked-best")
    conn.execute(
        "update lb.board_entries set tie_at = tie_at + interval '1 second'"
        " where board_no = %s and user_id = %s",
        (board_no(conn, "ranked-best"), user_id),
    )
    return "ranked-best", "postgres:tie", user_id


def _wrong_histogram_row(conn, client):
    conn.execute(
        "update lb.board_buckets set players = players + 3 where (board_no, period_start, bucket)"
        " = (select board_no, period_start, bucket from lb.board_buckets where board_no = %s"
        " and players > 0 order by bucket limit 1)",
        (board_no(conn, "weekly"),),
    )
    return "weekly", "postgres:histogram", None


# -- drift in Redis, against PostgreSQL ------------------------------------------------------


def _missing_member(conn, client):
    user_id, _ = a_player(conn)
    client.zrem(KEYS.scores("global", encoding.ALL_TIME), encoding.member(user_id, None))
    return "global", "redis:missing_member", user_id


def _extra_member(conn, client):
    stranger = 987_654
    client.zadd(KEYS.scores("global", encoding.ALL_TIME), {encoding.member(stranger, None): -7})
    return "global", "redis:extra_member", stranger


def _wrong_member_value(conn, client):
    user_id, value = a_player(conn)
    client.zadd(
        KEYS.scores("global", encoding.ALL_TIME), {encoding.member(user_id, None): -(value + 1)}
    )
    return "global", "redis:value", user_id


def _wrong_member_tie(conn, client):
    user_id, value = a_player(conn, "ranked-best")
    scores = KEYS.scores("ranked-best", encoding.ALL_TIME)
    ties = KEYS.ties("ranked-best", encoding.ALL_TIME)
    user = encoding.encode_user(user_id)
    old = client.hget(ties, user).decode()
    new = encoding.tie_part(encoding.tie_of(old + user) + 1)
    client.zrem(scores, old + user)
    client.zadd(scores, {new + user: -value})
    client.hset(ties, user, new)
    return "ranked-best", "redis:tie", user_id


def _stale_username(conn, client):
    user_id, _ = a_player(conn)
    epoch = int(client.hget(KEYS.board_meta("global"), "epoch"))
    bucket, slot = encoding.name_slot(user_id)
    client.hset(KEYS.names(epoch, bucket), slot, "someone_else")
    return "global", "redis:username", user_id


DRIFTS = [
    _wrong_value,
    _missing_entry,
    _extra_entry,
    _wrong_tie,
    _wrong_histogram_row,
    _missing_member,
    _extra_member,
    _wrong_member_value,
    _wrong_member_tie,
    _stale_username,
]


@pytest.mark.parametrize("inject", DRIFTS, ids=lambda f: f.__name__.strip("_"))
def test_each_kind_of_drift_is_found_reported_and_repaired(system, conn, redis_client, inject):
    board, kind, user_id = inject(conn, redis_client)
    check = verifier(system, redis_client)

    found = check.run([board], None, repair=False)[0]
    assert found.counts[kind] >= 1, integrity.summary([found])
    shown = [m for m in found.shown if f"{m.store}:{m.kind}" == kind]
    assert shown
    if user_id is not None:
        assert shown[0].user_id == user_id
    assert kind.split(":")[1] in integrity.summary([found])

    repaired = check.run([board], None, repair=True)[0]
    assert repaired.drift == 0, integrity.summary([repaired])  # verified again after it
    assert repaired.repaired
    again = check.run(None, None, repair=False)
    assert all(r.drift == 0 for r in again), integrity.summary(again)


def test_the_repair_recomputes_from_the_log_not_from_the_index(system, conn, redis_client):
    """A value wrong in PostgreSQL and in Redis alike (a restored backup of both) goes back
    to what the sessions say."""
    user_id, value = a_player(conn)
    expected = conn.execute(
        "select sum(score) from lb.game_sessions where user_id = %s", (user_id,)
    ).fetchone()[0]
    assert expected == value
    conn.execute(
        "update lb.board_entries set value = 1 where board_no = %s and user_id = %s",
        (board_no(conn, "global"), user_id),
    )
    client = redis_client
    client.zadd(KEYS.scores("global", encoding.ALL_TIME), {encoding.member(user_id, None): -1})
    result = verifier(system, client).run(["global"], None, repair=True)[0]
    assert result.drift == 0
    assert result.repaired["entries_updated"] == 1
    assert (
        conn.execute("select total_score from lb.player_rank(%s)", (user_id,)).fetchone()[0]
        == expected
    )
    score = client.zscore(KEYS.scores("global", encoding.ALL_TIME), encoding.member(user_id, None))
    assert encoding.value_of(score) == expected


# -- the command -------------------------------------------------------------------------------


def test_the_command_exits_0_clean_1_on_drift_and_repairs(system, conn, redis_client):
    env = {"DATABASE_URL": system["database_url"], "REDIS_URL": system["redis_url"]}
    clean = cli("verify", env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "global: clean" in clean.stdout

    _wrong_value(conn, redis_client)
    drift = cli("verify", "--board", "global", "--json", env=env)
    assert drift.returncode == 1, drift.stdout + drift.stderr
    report = json.loads(drift.stdout)
    assert report["clean"] is False
    # PostgreSQL differs from its log, and so Redis (still right) from PostgreSQL
    assert report["boards"][0]["counts"] == {"postgres:value": 1, "redis:value": 1}

    repaired = cli("verify", "--board", "global", "--repair", env=env)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "repaired: entries_updated 1" in repaired.stdout
    assert cli("verify", env=env).returncode == 0


def test_a_board_created_without_backfill_verifies_clean_and_repair_backfills_nothing(
    system, conn, redis_client
):
    """Issue 27: on a database with sessions, the README's `boards create season` (no
    --backfill) made verify report every player missing, and --repair then backfilled it."""
    env = {"DATABASE_URL": system["database_url"], "REDIS_URL": system["redis_url"]}
    created = cli("boards", "create", "season", "--reset", "weekly", env=env)
    assert created.returncode == 0, created.stderr
    conn.execute("select lb.submit_score(7, 70)")  # one session after it
    with BridgeThread(settings_for(system["database_url"], system["redis_url"])):
        wait_until(
            lambda: redis_client.exists(KEYS.board_meta("season")),
            message="the new board's index",
        )
        checked = cli("verify", "--board", "season", env=env)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "season: clean" in checked.stdout
        repaired = cli("verify", "--board", "season", "--repair", env=env)
        assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert conn.execute(
        "select user_id, total_score from lb.top_players(100, 0, 'season')"
    ).fetchall() == [(7, 70)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--board", "nope"], "board 'nope' does not exist"),
        (
            ["--board", "weekly", "--period", "0001-01-01T00:00:00+01:00"],
            "--period must be a time from 0001-01-01T00:00:00Z",
        ),
        (["--board", "weekly", "--period", "2026-11-30T00:00:00.1234567Z"], "6 decimal"),
        (["--board", "weekly", "--period", "yesterday"], "ISO 8601"),
        (["--board", "weekly", "--period", "2026-01-01T00:00:00Z"], "period"),
    ],
)
def test_bad_input_exits_2_and_changes_nothing(system, conn, args, message):
    env = {"DATABASE_URL": system["database_url"], "REDIS_URL": system["redis_url"]}
    before = totals(conn)
    result = cli("verify", *args, "--repair", env=env)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert totals(conn) == before


def test_a_service_down_exits_3(system):
    env = {"DATABASE_URL": system["database_url"], "REDIS_URL": "redis://127.0.0.1:1/0"}
    result = cli("verify", env=env)
    assert result.returncode == 3
    assert "Redis" in result.stderr


# -- the bridge's continuous check -------------------------------------------------------------


def test_the_bridge_samples_its_index_finds_drift_rebuilds_and_reports_it(
    system, conn, database_url, redis_url, redis_client, client
):
    """A wrong value with the right member count is invisible to the syncer's count check;
    the sampling check finds it, rebuilds the board, and /health and /metrics say so."""
    user_id, value = a_player(conn)
    scores = KEYS.scores("global", encoding.ALL_TIME)
    member = encoding.member(user_id, None)
    settings = settings_for(database_url, redis_url, sample_size=1000, sample_interval_ms=300)

    def health_bridge():
        return client.get("/health").get_json()["checks"]["bridge"]

    with BridgeThread(settings):
        wait_until(lambda: health_bridge().get("last_sample_at"), message="a first sample")
        assert health_bridge()["sample_mismatches_total"] == 0
        redis_client.zadd(scores, {member: -(value + 1)})
        wait_until(
            lambda: health_bridge()["sample_mismatches_total"] >= 1,
            message="the sampling check finding it",
        )
        wait_until(
            lambda: encoding.value_of(redis_client.zscore(scores, member)) == value,
            message="the board rebuilt",
        )
        metrics = client.get("/metrics").get_data(as_text=True)
    assert "leaderboard_index_sample_mismatches_total{" in metrics
    assert "leaderboard_index_last_sample_timestamp_seconds{" in metrics


def test_sampling_is_off_with_a_sample_size_of_0(
    system, database_url, redis_url, redis_client, client
):
    settings = settings_for(database_url, redis_url, sample_size=0, sample_interval_ms=100)
    with BridgeThread(settings):
        reader = IndexReader(redis_client, KEYS)
        first = wait_until(lambda: reader.heartbeats(5), message="the bridge's heartbeat")[0]
        # ten sampling intervals later (by the bridge's own clock), still no sample
        wait_until(
            lambda: reader.heartbeats(5)[0].heartbeat_at >= first.heartbeat_at + 1.0,
            message="a heartbeat a second later",
        )
        assert reader.heartbeats(5)[0].samples_total == 0
        assert client.get("/health").get_json()["checks"]["bridge"]["last_sample_at"] is None
