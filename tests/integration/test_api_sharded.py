"""The HTTP API on the sharded topology: the web app on the proxy database, each shard's
part of the index kept by its own bridge. Reads come from the index merged over the shards
and equal the SQL through the proxy; a read after a 201 sees the submit (the echo goes to the
player's shard's part); errors are one node's."""

from __future__ import annotations

import random

import psycopg
import pytest

from leaderboard.index.keys import Keys
from leaderboard.index.rebuild import rebuild_all
from leaderboard.index.writer import IndexWriter
from tests.support.bridge import BridgeThread, settings_for, wait_until

ROW = ("rank", "user_id", "username", "total_score")


@pytest.fixture
def topology(sharded, redis_client):
    """Players and scores through the proxy, every shard's part of the index built once, no
    bridge: Redis moves only if the web app writes to it."""
    with psycopg.connect(sharded.proxy_url, autocommit=True) as proxy:
        proxy.execute("select * from lb.create_board('first_to', p_tie_break => 'earliest')")
        proxy.execute("select * from lb.seed(60, 240, 0.5)")
    for number, url in enumerate(sharded.shard_urls):
        rebuild_all(
            lambda u=url: psycopg.connect(u, autocommit=True),
            IndexWriter(redis_client, Keys(shard=number)),
        )
    return sharded


@pytest.fixture
def proxy(topology):
    with psycopg.connect(topology.proxy_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def api(make_app, topology):
    return make_app(database_url=topology.proxy_url).test_client()


def sql_rows(proxy, query: str, args: tuple) -> list[dict]:
    return [dict(zip(ROW, row, strict=True)) for row in proxy.execute(query, args)]


def test_reads_from_the_merged_index_equal_sql_through_the_proxy(api, proxy):
    ids = [u for (u,) in proxy.execute("select user_id from lb.top_players(100)")]
    assert len(ids) > 20
    for board in ("global", "first_to"):
        page = api.get(f"/api/boards/{board}/top?limit=25&offset=5").json
        assert page["source"] == "redis"
        assert page["data"] == sql_rows(
            proxy,
            "select rank, user_id, username, total_score from lb.top_players(25, 5, %s)",
            (board,),
        )
        for uid in ids[::7]:
            rank = api.get(f"/api/boards/{board}/rank/{uid}").json
            assert rank["source"] == "redis"
            want = proxy.execute(
                "select user_id, username, total_score, rank from lb.player_rank(%s, %s)",
                (uid, board),
            ).fetchone()
            data = rank["data"]
            assert (data["user_id"], data["username"], data["total_score"], data["rank"]) == want
            around = api.get(f"/api/boards/{board}/around/{uid}?radius=3").json
            assert around["source"] == "redis"
            assert around["data"] == sql_rows(
                proxy,
                "select rank, user_id, username, total_score from lb.players_around(%s, 3, %s)",
                (uid, board),
            )


def test_a_read_after_the_201_sees_the_submit_on_either_shard(api, proxy):
    rng = random.Random(7)
    ids = [u for (u,) in proxy.execute("select user_id from lb.top_players(100)")]
    for uid in [next(u for u in ids if (u - 1) % 2 == shard) for shard in (0, 1)]:
        submit = api.post(
            "/api/leaderboard/submit", json={"user_id": uid, "score": rng.randint(500_000, 10**6)}
        )
        assert submit.status_code == 201, submit.json
        want = proxy.execute(
            "select user_id, username, total_score, rank from lb.player_rank(%s)", (uid,)
        ).fetchone()
        assert submit.json["data"]["total_score"] == want[2]
        rank = api.get(f"/api/leaderboard/rank/{uid}").json
        assert rank["source"] == "redis"
        data = rank["data"]
        assert (data["user_id"], data["username"], data["total_score"], data["rank"]) == want


def test_errors_are_one_nodes_and_write_nothing(api, proxy):
    before = proxy.execute("select sum(players) from lb.boards()").fetchone()
    missing = api.get("/api/leaderboard/rank/999999").json
    assert missing["error"]["code"] == "NOT_FOUND"
    bad = api.post("/api/leaderboard/submit", json={"user_id": 1, "score": -3})
    assert bad.status_code == 400
    assert bad.json["error"]["code"] == "VALIDATION_ERROR"
    unknown = api.post("/api/leaderboard/submit", json={"user_id": 999_999, "score": 3})
    assert unknown.status_code == 404
    assert proxy.execute("select sum(players) from lb.boards()").fetchone() == before


def test_bridges_per_shard_carry_sql_direct_submits_to_the_http_reads(
    api, proxy, topology, redis_url
):
    ids = [u for (u,) in proxy.execute("select user_id from lb.top_players(100)")]
    bridges = [BridgeThread(settings_for(url, redis_url)) for url in topology.shard_urls]
    for bridge in bridges:
        bridge.__enter__()
    try:
        for uid in ids[:10]:
            proxy.execute("select lb.submit_score(%s, 123456)", (uid,))

        def equal() -> bool:
            page = api.get("/api/leaderboard/top?limit=50&offset=0").json
            return page["source"] == "redis" and page["data"] == sql_rows(
                proxy, "select rank, user_id, username, total_score from lb.top_players(50)", ()
            )

        wait_until(equal, message="HTTP top equals SQL")
    finally:
        for bridge in bridges:
            bridge.stop()


def test_with_a_shard_down_board_reads_keep_working_and_health_names_the_shard(
    api, proxy, topology, make_app, redis_url
):
    """Issue 23: every /api/boards read answered 503 while one shard was down (the web app
    looked a board up in a key shard bridges never write, then asked every shard), and
    /health said healthy. Now the reads come from the index for every player, writes for the
    stopped shard's players fail with 503, the other shard's are accepted, and /health and
    /metrics name the shard."""
    from tests.support.shards import CLUSTERS

    ids = [u for (u,) in proxy.execute("select user_id from lb.top_players(100)")]
    on_0 = next(u for u in ids if (u - 1) % 2 == 0)
    on_1 = next(u for u in ids if (u - 1) % 2 == 1)
    bridges = [BridgeThread(settings_for(url, redis_url)) for url in topology.shard_urls]
    for bridge in bridges:
        bridge.__enter__()
    healthy = wait_until(
        lambda: (h := api.get("/health")).status_code == 200 and h.json, message="healthy"
    )
    assert healthy["checks"]["shards"] == [{"shard": 0, "up": True}, {"shard": 1, "up": True}]
    cluster = CLUSTERS.clusters[1]
    cluster.stop(mode="immediate")
    try:
        fresh = make_app(database_url=topology.proxy_url).test_client()  # no memo of boards
        for client in (api, fresh):
            for path in (
                "/api/boards/global/top",
                "/api/boards/first_to/top?limit=20",
                f"/api/boards/first_to/rank/{on_0}",
                f"/api/boards/first_to/rank/{on_1}",
                f"/api/boards/global/around/{on_1}",
                "/api/leaderboard/top?limit=20",
            ):
                answer = client.get(path)
                assert answer.status_code == 200, (path, answer.json)
                assert answer.json["source"] == "redis", path
        written = fresh.post("/api/leaderboard/submit", json={"user_id": on_0, "score": 3})
        assert written.status_code == 201
        refused = fresh.post("/api/leaderboard/submit", json={"user_id": on_1, "score": 3})
        assert refused.status_code == 503
        health = fresh.get("/health")
        assert health.status_code == 503
        assert health.json["mode"] == "shard_down"
        assert health.json["down"] == ["shard_1"]
        shards = health.json["checks"]["shards"]
        assert [(s["shard"], s["up"]) for s in shards] == [(0, True), (1, False)]
        assert "unavailable" in shards[1]["problem"]
        assert health.json["checks"]["db"] is True  # the proxy itself answers
        metrics = fresh.get("/metrics").get_data(as_text=True)
        assert 'leaderboard_shard_up{shard="0"} 1.0' in metrics
        assert 'leaderboard_shard_up{shard="1"} 0.0' in metrics
    finally:
        cluster.start()
        cluster.wait_ready()
    try:
        wait_until(lambda: api.get("/health").status_code == 200, message="healthy again")
    finally:
        for bridge in bridges:
            bridge.stop()
