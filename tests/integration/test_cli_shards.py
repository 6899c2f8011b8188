"""`leaderboard shards setup` as an operator runs it, on empty databases of the sharded
topology's clusters."""

from __future__ import annotations

import re

import psycopg
import pytest

from tests.support.cli import cli
from tests.support.shards import CLUSTERS


@pytest.fixture
def empty():
    db = CLUSTERS.create(empty=True)
    yield db
    CLUSTERS.drop(db)


def setup(proxy: str, shards: list[str]):
    return cli("shards", "setup", "--proxy", proxy, *[a for s in shards for a in ("--shard", s)])


def test_setup_builds_a_working_proxy_and_runs_again_in_place(empty):
    result = setup(empty.proxy_url, empty.shard_urls)
    assert result.returncode == 0, result.stderr
    assert "2 shards" in result.stdout
    with psycopg.connect(empty.proxy_url, autocommit=True) as proxy:
        ids = [
            proxy.execute("select lb.create_player(%s)", (f"c{i}",)).fetchone()[0] for i in range(6)
        ]
        for uid in ids:
            proxy.execute("select lb.submit_score(%s, %s)", (uid, uid))
    again = setup(empty.proxy_url, empty.shard_urls)
    assert again.returncode == 0, again.stderr
    with psycopg.connect(empty.proxy_url, autocommit=True) as proxy:
        top = proxy.execute("select user_id, rank from lb.top_players()").fetchall()
    assert top == [(uid, n + 1) for n, uid in enumerate(sorted(ids, reverse=True))]


def test_shards_in_another_order_are_refused_once_they_have_players(empty):
    assert setup(empty.proxy_url, empty.shard_urls).returncode == 0
    with psycopg.connect(empty.proxy_url, autocommit=True) as proxy:
        for i in range(6):
            proxy.execute("select lb.create_player(%s)", (f"o{i}",))
    swapped = setup(empty.proxy_url, list(reversed(empty.shard_urls)))
    assert swapped.returncode == 2
    assert (
        "shard cannot change on a database that has players (it is shard 1 of 2)" in swapped.stderr
    )
    with psycopg.connect(empty.shard_urls[0]) as shard:
        assert shard.execute("select shard, shards from lb.shard_config").fetchone() == (0, 2)


@pytest.mark.parametrize(
    ("shards", "message"),
    [
        (["not-a-url"], "must be postgresql:// URLs, got 'not-a-url'"),
        (["SAME", "SAME"], "each shard must be a different database"),
    ],
)
def test_bad_shard_lists_are_exit_2_and_touch_nothing(empty, shards, message):
    shards = [empty.shard_urls[0] if s == "SAME" else s for s in shards]
    result = setup(empty.proxy_url, shards)
    assert result.returncode == 2
    assert message in result.stderr
    with psycopg.connect(empty.shard_urls[0]) as shard:
        assert shard.execute(
            "select count(*) from pg_namespace where nspname = 'lb'"
        ).fetchone() == (0,)


def test_an_unreachable_shard_is_exit_3(empty):
    result = setup(empty.proxy_url, ["postgresql://postgres@127.0.0.1:1/nowhere"])
    assert result.returncode == 3
    assert "cannot connect to PostgreSQL" in result.stderr


def test_verify_on_the_proxy_says_what_it_is_and_how_to_verify_the_shards(sharded, redis_url):
    """Issue 28: verify on the proxy's DATABASE_URL said the schema was out of date."""
    env = {"DATABASE_URL": sharded.proxy_url, "REDIS_URL": redis_url}
    alone = cli("verify", env=env)
    assert alone.returncode == 2, alone.stdout + alone.stderr
    assert "is the proxy of a sharded deployment" in alone.stderr
    assert "LEADERBOARD_SHARD_URLS" in alone.stderr
    assert "SCHEMA_OUT_OF_DATE" not in alone.stderr
    each = cli("verify", env={**env, "LEADERBOARD_SHARD_URLS": ",".join(sharded.shard_urls)})
    # each shard's part checked on its own (no bridge has built them here: missing)
    assert each.returncode == 1, each.stdout + each.stderr
    assert each.stdout.count("redis: index_missing on global") == 2
    assert "shard 0:" in each.stdout
    assert "shard 1:" in each.stdout


def test_seed_on_the_proxy_reports_progress_as_on_one_node(empty, redis_url):
    """Issue 28: each step came wrapped in PL/Proxy's "lb.seed(..): [db] REMOTE NOTICE:"."""
    assert setup(empty.proxy_url, empty.shard_urls).returncode == 0
    env = {"DATABASE_URL": empty.proxy_url, "REDIS_URL": redis_url}
    # without the shards, what to set instead of SCHEMA_OUT_OF_DATE, and nothing seeded
    alone = cli("seed", "--users", "40", "--sessions", "120", "--no-index", env=env)
    assert alone.returncode == 2, alone.stderr
    assert "is the proxy of a sharded deployment" in alone.stderr
    assert "LEADERBOARD_SHARD_URLS" in alone.stderr
    for url in empty.shard_urls:
        with psycopg.connect(url) as shard:
            assert shard.execute("select count(*) from lb.users").fetchone()[0] == 0
    env["LEADERBOARD_SHARD_URLS"] = ",".join(empty.shard_urls)
    result = cli("seed", "--users", "40", "--sessions", "120", "--no-index", env=env)
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"^seed: \d+ players and \d+ sessions on shard 1 of 2 in ", result.stdout, re.M
    )
    assert "REMOTE NOTICE" not in result.stdout + result.stderr
