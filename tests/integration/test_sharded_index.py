"""The index of a sharded deployment: one bridge per shard, each feeding its shard's part of
every board under keys of its own (Keys.shard), and reads that merge the parts in one Lua
call (ShardedIndexReader) equal to the SQL ranks through the proxy."""

from __future__ import annotations

import random
import threading

import psycopg
import pytest
import redis

from leaderboard.index import encoding
from leaderboard.index.keys import Keys
from leaderboard.index.reader import IndexUnavailable, Ranked, ShardedIndexReader
from leaderboard.index.rebuild import rebuild_all
from leaderboard.index.writer import IndexWriter
from tests.support.bridge import BridgeProcess, BridgeThread, settings_for, wait_until
from tests.support.cli import cli

BOARDS = {"global": "shared", "first_to": "earliest", "best": "shared"}


@pytest.fixture
def proxy(sharded):
    with psycopg.connect(sharded.proxy_url, autocommit=True) as conn:
        conn.execute("select * from lb.create_board('first_to', p_tie_break => 'earliest')")
        conn.execute("select * from lb.create_board('best', p_aggregate => 'best')")
        yield conn


def play(proxy, seed: int, players: int, submits: int) -> list[int]:
    rng = random.Random(seed)
    ids = [
        proxy.execute("select lb.create_player(%s)", (f"r{seed}_{i}",)).fetchone()[0]
        for i in range(players)
    ]
    for _ in range(submits):
        # few distinct values, so ties cross shards
        score = rng.choice([0, 5, 10, 10, 50, 100, rng.randint(0, 300)])
        proxy.execute("select lb.submit_score(%s, %s)", (rng.choice(ids), score))
    return ids


def sql_view(proxy, board: str, ids: list[int]) -> dict:
    return {
        "ranks": {
            uid: proxy.execute(
                "select rank, total_score from lb.player_rank(%s, %s)", (uid, board)
            ).fetchone()
            for uid in ids
        },
        "pages": [
            proxy.execute(
                "select rank, user_id, total_score from lb.top_players(%s, %s, %s)",
                (limit, offset, board),
            ).fetchall()
            for limit, offset in ((100, 0), (4, 3), (5, 9))
        ],
        "around": {
            uid: proxy.execute(
                "select rank, user_id, total_score from lb.players_around(%s, 2, %s)", (uid, board)
            ).fetchall()
            for uid in ids
        },
    }


def index_view(reader: ShardedIndexReader, board: str, ids: list[int]) -> dict | None:
    """Every read from the index; None while a shard's part is not built yet."""
    try:
        return _index_view(reader, board, ids)
    except IndexUnavailable:
        return None


def _index_view(reader: ShardedIndexReader, board: str, ids: list[int]) -> dict:
    def rank(uid):
        got = reader.rank(uid, board)
        return None if got is None else (got.rank, got.total_score)

    def rows(entries):
        return [(e.rank, e.user_id, e.total_score) for e in entries or []]

    return {
        "ranks": {uid: rank(uid) for uid in ids},
        "pages": [
            rows(reader.page(limit, offset, board)) for limit, offset in ((100, 0), (4, 3), (5, 9))
        ],
        "around": {uid: rows(reader.around(uid, 2, board)) for uid in ids},
    }


def expected_index_ranks(view: dict) -> dict:
    """What the index says for a player with no entry on a board: None (the SQL says total
    0, rank null); everything else as SQL."""
    ranks = {uid: (None if r[0] is None else r) for uid, r in view["ranks"].items()}
    around = {uid: (w if w[0][0] is not None else []) for uid, w in view["around"].items()}
    return {**view, "ranks": ranks, "around": around}


def test_per_shard_bridges_feed_an_index_whose_merged_reads_equal_sql(sharded, proxy, redis_url):
    client = redis.Redis.from_url(redis_url)
    reader = ShardedIndexReader(client, Keys(), 2)
    ids = play(proxy, 1, 16, 60)
    # two bridges on shard 0, one on shard 1: any number per shard converge to the same index
    urls = [sharded.shard_urls[0], *sharded.shard_urls]
    bridges = [BridgeThread(settings_for(url, redis_url)) for url in urls]
    for bridge in bridges:
        bridge.__enter__()
    try:
        for board in BOARDS:
            want = expected_index_ranks(sql_view(proxy, board, ids))
            wait_until(lambda b=board, w=want: index_view(reader, b, ids) == w, message=board)
        # each shard's part holds exactly its own players
        for shard in range(2):
            members = client.zrange(Keys(shard=shard).scores("global", encoding.ALL_TIME), 0, -1)
            assert members
            assert all((encoding.user_of(m.decode(), False) - 1) % 2 == shard for m in members)
        # more writes while both bridges run: still equal
        ids += play(proxy, 2, 6, 30)
        for board in BOARDS:
            want = expected_index_ranks(sql_view(proxy, board, ids))
            wait_until(lambda b=board, w=want: index_view(reader, b, ids) == w, message=board)
        # the bridges build one top 10 per board from every shard's part
        top = proxy.execute("select rank, user_id, total_score from lb.top_players(10)").fetchall()
        wait_until(
            lambda: (
                [
                    (e["rank"], e["user_id"], e["total_score"])
                    for e in (reader.cached_top10("global") or {}).get("data", [])
                ]
                == top
            ),
            message="cached top 10",
        )
    finally:
        for bridge in bridges:
            bridge.stop()
    client.close()


def test_a_rebuild_of_one_shards_part_leaves_the_others_alone(sharded, proxy, redis_url):
    """Shard 0's part is rebuilt while shard 1's players keep submitting through its bridge:
    shard 1's part keeps every write, and after both the merged reads equal SQL."""
    client = redis.Redis.from_url(redis_url)
    ids = play(proxy, 3, 12, 40)
    on_1 = [u for u in ids if (u - 1) % 2 == 1]
    stop = threading.Event()
    failures: list[Exception] = []

    def write_to_shard_1() -> None:
        rng = random.Random(9)
        with psycopg.connect(sharded.proxy_url, autocommit=True) as writer:
            while not stop.is_set():
                try:
                    writer.execute("select lb.submit_score(%s, %s)", (rng.choice(on_1), 3))
                except psycopg.Error as exc:
                    failures.append(exc)
                    return

    bridge = BridgeThread(settings_for(sharded.shard_urls[1], redis_url))
    bridge.__enter__()
    writer = threading.Thread(target=write_to_shard_1)
    try:
        rebuild_all(
            lambda: psycopg.connect(sharded.shard_urls[0], autocommit=True),
            IndexWriter(client, Keys(shard=0)),
        )
        writer.start()
        for _ in range(3):
            # more of shard 0's players score, and its part is rebuilt again, mid-writes
            for uid in [u for u in ids if (u - 1) % 2 == 0][:3]:
                proxy.execute("select lb.submit_score(%s, 7)", (uid,))
            rebuild_all(
                lambda: psycopg.connect(sharded.shard_urls[0], autocommit=True),
                IndexWriter(client, Keys(shard=0)),
            )
        stop.set()
        writer.join(timeout=20)
        assert failures == []
        reader = ShardedIndexReader(client, Keys(), 2)
        want = expected_index_ranks(sql_view(proxy, "global", ids))
        wait_until(lambda: index_view(reader, "global", ids) == want, message="converged")
    finally:
        stop.set()
        bridge.stop()
        client.close()


def test_a_shards_bridge_killed_mid_write_converges_after_restart(sharded, proxy, redis_url):
    """kill -9 of one shard's bridge while writes go on: the restarted bridge catches up from
    its part's cursor, and the other shard's bridge is not disturbed."""
    client = redis.Redis.from_url(redis_url)
    reader = ShardedIndexReader(client, Keys(), 2)
    ids = play(proxy, 4, 12, 20)
    steady = BridgeProcess(sharded.shard_urls[0], redis_url).start()
    victim = BridgeProcess(sharded.shard_urls[1], redis_url).start()
    try:
        want = expected_index_ranks(sql_view(proxy, "global", ids))
        wait_until(lambda: index_view(reader, "global", ids) == want, message="first sync")
        rng = random.Random(5)
        for n in range(40):
            proxy.execute("select lb.submit_score(%s, %s)", (rng.choice(ids), rng.randint(1, 99)))
            if n == 20:
                victim.kill9()
        # shard 0's players keep propagating with shard 1's bridge dead
        on_0 = [u for u in ids if (u - 1) % 2 == 0]
        totals = {
            uid: proxy.execute("select total_score from lb.player_rank(%s)", (uid,)).fetchone()[0]
            for uid in on_0
        }

        def shard_0_current() -> bool:
            for uid, total in totals.items():
                try:
                    got = reader.rank(uid)
                except IndexUnavailable:
                    return False
                if total and (got is None or got.total_score != total):
                    return False
            return True

        wait_until(shard_0_current, message="shard 0 propagating")
        victim.close()
        victim = BridgeProcess(sharded.shard_urls[1], redis_url).start()
        want = expected_index_ranks(sql_view(proxy, "global", ids))
        wait_until(lambda: index_view(reader, "global", ids) == want, message="converged")
    finally:
        steady.close()
        victim.close()
        client.close()


def _running(sharded, redis_url) -> list[BridgeThread]:
    bridges = [BridgeThread(settings_for(url, redis_url)) for url in sharded.shard_urls]
    for bridge in bridges:
        bridge.__enter__()
    return bridges


def test_a_late_commit_on_a_shard_is_applied_and_a_flush_is_rebuilt_by_every_shard(
    sharded, proxy, redis_url
):
    client = redis.Redis.from_url(redis_url)
    reader = ShardedIndexReader(client, Keys(), 2)
    ids = play(proxy, 6, 10, 20)
    early_player, late_player = [u for u in ids if (u - 1) % 2 == 1][:2]
    bridges = _running(sharded, redis_url)
    try:
        want = expected_index_ranks(sql_view(proxy, "global", ids))
        wait_until(lambda: index_view(reader, "global", ids) == want, message="first sync")
        # on shard 1: a transaction takes its change id first and commits last
        with psycopg.connect(sharded.shard_urls[1]) as early:
            early.execute("select lb.submit_score(%s, 100000)", (early_player,))
            proxy.execute("select lb.submit_score(%s, 7)", (late_player,))
            late_total = proxy.execute(
                "select total_score from lb.player_rank(%s)", (late_player,)
            ).fetchone()[0]
            wait_until(
                lambda: (reader.rank(late_player) or Ranked(None, 0, -1)).total_score == late_total,
                message="the later commit",
            )
            early.commit()
        want = expected_index_ranks(sql_view(proxy, "global", ids))
        wait_until(lambda: index_view(reader, "global", ids) == want, message="the early commit")
        # Redis loses everything: each shard's bridge rebuilds its own part
        client.flushall()
        for board in BOARDS:
            want = expected_index_ranks(sql_view(proxy, board, ids))
            wait_until(lambda b=board, w=want: index_view(reader, b, ids) == w, message=board)
    finally:
        for bridge in bridges:
            bridge.stop()
        client.close()


def test_verify_checks_and_repairs_one_shards_part(sharded, proxy, redis_url):
    """`DATABASE_URL=<shard> leaderboard verify` checks that shard's part of the index against
    its database, and --repair rebuilds only that part."""
    client = redis.Redis.from_url(redis_url)
    ids = play(proxy, 8, 12, 40)
    for number, url in enumerate(sharded.shard_urls):
        rebuild_all(
            lambda u=url: psycopg.connect(u, autocommit=True),
            IndexWriter(client, Keys(shard=number)),
        )
    env = {"DATABASE_URL": sharded.shard_urls[0], "REDIS_URL": redis_url}
    clean = cli("verify", "--board", "global", env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    part = Keys(shard=0).scores("global", encoding.ALL_TIME)
    other = Keys(shard=1).scores("global", encoding.ALL_TIME)
    member = client.zrange(part, 0, 0)[0]
    before_other = client.zrange(other, 0, -1, withscores=True)
    client.zrem(part, member)
    drift = cli("verify", "--board", "global", env=env)
    assert drift.returncode == 1, drift.stdout + drift.stderr
    repaired = cli("verify", "--board", "global", "--repair", env=env)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert client.zscore(part, member) is not None
    assert client.zrange(other, 0, -1, withscores=True) == before_other
    reader = ShardedIndexReader(client, Keys(), 2)
    assert index_view(reader, "global", ids) == expected_index_ranks(sql_view(proxy, "global", ids))
    client.close()
