"""Redis ACL users: the bridge and the web app work with only the access they need."""

from __future__ import annotations

import secrets
import shutil

import pytest
import redis
from prometheus_client import REGISTRY

from ops import redis_acl
from ops import redis_server as ops_redis
from tests.support.bridge import (
    GLOBAL_SCORES,
    KEYS,
    BridgeThread,
    converged,
    settings_for,
    wait_until,
)
from tests.support.servers import free_port


@pytest.fixture(scope="module")
def acl_redis():
    passwords = {user: secrets.token_urlsafe(24) for user in ("lb-bridge", "lb-web", "lb-admin")}
    server = ops_redis.temporary(free_port(), acl_passwords=passwords)
    server.start()
    yield server
    server.kill()
    shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def admin(acl_redis):
    client = redis.Redis.from_url(acl_redis.url())
    client.flushall()
    yield client
    client.close()


def as_user(server, user):
    return redis.Redis.from_url(server.url(user=user))


def test_the_acl_file_is_private_and_holds_no_plain_password(acl_redis):
    path = acl_redis.root / "users.acl"
    assert path.stat().st_mode & 0o077 == 0
    for password in acl_redis.acl_passwords.values():
        assert password in path.read_text()  # redis hashes it when it loads the file
    loaded = redis.Redis.from_url(acl_redis.url()).acl_getuser("lb-web")
    assert all(len(p) == 64 for p in loaded["passwords"])  # SHA-256 hex, not the secret


def test_the_default_user_is_off(acl_redis, admin):
    anonymous = redis.Redis(port=acl_redis.port)
    with pytest.raises(redis.AuthenticationError):
        anonymous.ping()
    anonymous.close()


def test_bridge_and_web_work_with_their_own_users(admin, acl_redis, conn, database_url, make_app):
    conn.execute("select * from lb.seed(40, 160)")
    bridge_url = acl_redis.url(user="lb-bridge")
    with BridgeThread(settings_for(database_url, bridge_url)):
        wait_until(
            lambda: converged(conn, admin) and admin.get(KEYS.top10("global")),
            message="index built by lb-bridge",
        )
        app = make_app(redis_url=acl_redis.url(user="lb-web"), rate_limit="3/minute")
        client = app.test_client()
        user_id = conn.execute("select user_id from lb.board_entries limit 1").fetchone()[0]
        answers = [client.get(f"/api/leaderboard/rank/{user_id}") for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 200]
        assert answers[0].json["source"] == "redis"
        # the echo of a submit runs as lb-web (read-your-writes), and the limiter can write
        total = answers[0].json["data"]["total_score"]
        submit = client.post("/api/leaderboard/submit", json={"user_id": user_id, "score": 7})
        assert submit.status_code == 429
        app = make_app(redis_url=acl_redis.url(user="lb-web"))
        client = app.test_client()
        echoed = echoes("ok")
        submit = client.post("/api/leaderboard/submit", json={"user_id": user_id, "score": 7})
        assert submit.status_code == 201
        assert echoes("ok") == echoed + 1  # one board: global, written by lb-web
        assert client.get(f"/api/leaderboard/rank/{user_id}").json["data"]["total_score"] == (
            total + 7
        )
        health = wait_until(
            lambda: (
                (r := app.test_client().get("/health")).json["checks"]["redis"]
                and r.json["checks"]["bridge"]["ok"]
                and r
            ),
            message="health as lb-web",
        )
        assert health.status_code == 200


def echoes(outcome: str) -> float:
    found = REGISTRY.get_sample_value(
        "leaderboard_read_your_writes_echoes_total", {"outcome": outcome}
    )
    return found or 0.0


def test_the_web_user_cannot_delete_or_replace_the_index(acl_redis, admin):
    """lb-web writes board values only with the echo's commands (read-your-writes); it can
    never remove, rename or overwrite a key, nor touch anything outside the project."""
    web = as_user(acl_redis, "lb-web")
    admin.zadd(GLOBAL_SCORES, {"a1": -5})
    assert web.zscore(GLOBAL_SCORES, "a1") == -5
    for attempt in (
        lambda: web.delete(GLOBAL_SCORES),
        lambda: web.unlink(GLOBAL_SCORES),
        lambda: web.rename(GLOBAL_SCORES, GLOBAL_SCORES + "x"),
        lambda: web.expire(GLOBAL_SCORES, 1),
        lambda: web.pexpire(GLOBAL_SCORES, 1),
        lambda: web.zremrangebyrank(GLOBAL_SCORES, 0, -1),
        lambda: web.set(KEYS.top10("global"), "{}"),
        lambda: web.zadd(KEYS.prefix + "elsewhere", {"a1": 1}),
        lambda: web.set("other:key", "x"),
        web.flushall,
        lambda: web.config_get("*"),
    ):
        with pytest.raises(redis.exceptions.NoPermissionError):
            attempt()
    web.lpush(KEYS.ratelimit + ":probe", "1")  # its own lists, as the rate limiter writes them
    assert admin.zscore(GLOBAL_SCORES, "a1") == -5
    web.close()


def test_the_bridge_user_is_confined_to_the_project_keys(acl_redis, admin):
    bridge = as_user(acl_redis, "lb-bridge")
    bridge.set(KEYS.prefix + "probe", "1")
    bridge.rename(KEYS.prefix + "probe", KEYS.prefix + "probe2")
    for attempt in (
        lambda: bridge.set("elsewhere", "x"),
        lambda: bridge.get("elsewhere"),
        bridge.flushall,
        lambda: bridge.keys("*"),
        lambda: bridge.config_set("maxmemory", "1"),
        lambda: bridge.publish("other-channel", "x"),
    ):
        with pytest.raises(redis.exceptions.NoPermissionError):
            attempt()
    bridge.close()


def test_passwords_must_be_all_set_or_none_and_strong():
    assert redis_acl.passwords_from_env({}) is None
    with pytest.raises(ValueError, match="missing LEADERBOARD_REDIS_WEB_PASSWORD"):
        redis_acl.passwords_from_env(
            {
                "LEADERBOARD_REDIS_BRIDGE_PASSWORD": "x" * 20,
                "LEADERBOARD_REDIS_ADMIN_PASSWORD": "y" * 20,
            }
        )
    with pytest.raises(ValueError, match="at least 16 characters"):
        redis_acl.passwords_from_env({v: "short" for v in redis_acl.PASSWORD_VARS.values()})
