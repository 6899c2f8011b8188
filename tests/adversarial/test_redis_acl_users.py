"""The Redis ACL users against the commands the code sends (issue 27): the bridge and the web
app run everything they do as their own users while MONITOR records each command by user;
every command recorded is one the user's rules name, and every other command Redis knows is
refused to it. lb-web may not publish (it would fake top-10 events to every dashboard), and
neither may flush, load or run scripts other than the project's own."""

from __future__ import annotations

import secrets
import shutil
import time

import pytest
import redis

from ops import redis_acl
from ops import redis_server as ops_redis
from tests.support.bridge import BridgeThread, converged, settings_for, wait_until
from tests.support.redis_commands import CommandRecorder
from tests.support.servers import ADMIN_TOKEN, free_port


@pytest.fixture(scope="module")
def acl_redis():
    passwords = {user: secrets.token_urlsafe(24) for user in ("lb-bridge", "lb-web", "lb-admin")}
    server = ops_redis.temporary(free_port(), acl_passwords=passwords)
    server.start()
    yield server
    server.kill()
    shutil.rmtree(server.root, ignore_errors=True)


def exercise(conn, admin, acl_redis, database_url, make_app) -> None:
    """Everything the two services do: seed and rebuild, live changes, echoes, every read,
    the cached top 10 and its events, a board's life cycle, a recompute (a rebuild), pruning,
    the sampling check, heartbeats and health, and scripts loaded again after a flush."""
    conn.execute("select * from lb.seed(40, 200)")
    conn.execute("select lb.create_board('daily', p_reset => 'daily', p_retain_periods => 1)")
    settings = settings_for(
        database_url,
        acl_redis.url(user="lb-bridge"),
        sample_interval_ms=300,
        refresh_interval_ms=300,
    )
    with BridgeThread(settings):
        wait_until(lambda: converged(conn, admin), message="index built")
        app = make_app(redis_url=acl_redis.url(user="lb-web"), rate_limit="1000/minute")
        client = app.test_client()
        events = app.extensions["leaderboard.events"]
        stream = events.subscribe("global")  # the process's subscription, as a stream has
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        for user_id in (1, 2, 3):
            assert (
                client.post(
                    "/api/leaderboard/submit", json={"user_id": user_id, "score": 5}
                ).status_code
                == 201
            )
        admin.script_flush()  # both users must load the scripts again, with SCRIPT LOAD
        for path in (
            "/api/leaderboard/top",
            "/api/leaderboard/top?limit=20&offset=3",
            "/api/leaderboard/rank/1",
            "/api/leaderboard/around/2",
            "/api/boards",
            "/api/boards/daily",
            "/api/boards/daily/top",
            "/api/boards/daily/rank/1",
            "/api/boards/daily/around/1",
            "/api/boards/daily/top?period=previous",
            "/health",
            "/metrics",
        ):
            answer = client.get(path)
            assert answer.status_code in (200, 404, 503), (path, answer.get_data(as_text=True))
        assert (
            client.post("/api/leaderboard/submit", json={"user_id": 4, "score": 9}).status_code
            == 201
        )
        assert client.post("/api/boards", json={"id": "brief"}, headers=headers).status_code == 201
        conn.execute("select lb.recompute_board('daily')")
        wait_until(lambda: converged(conn, admin), message="recomputed board rebuilt")
        assert client.delete("/api/boards/brief", headers=headers).status_code == 200
        time.sleep(1.5)  # top-10 builds, samples, heartbeats, a drop of the deleted board
        assert stream.get(timeout=5)  # an event reached the web app's subscription
        events.unsubscribe(stream)


# a key of each kind the users' rules name: board values, usernames, rate-limit lists
KEYS = ("lb:v1:b:{probe}:meta", "lb:v1:names:1:0", "lb:v1:ratelimit/probe")
CHANNEL = redis_acl.Keys().events


def dry_run(admin: redis.Redis, user: str, command: str, arity: int | None = None) -> bool:
    """Whether `user` may run `command` (an ACL name: get, script|load, evalsha|<sha>) on
    some key of the project, with as many arguments as the command takes, so that only the
    command itself is judged (Redis checks the argument count before permissions)."""
    return any(_dry_run(admin, user, command, arity, key) for key in KEYS)


def _dry_run(admin: redis.Redis, user: str, command: str, arity: int | None, key: str) -> bool:
    words = command.split("|")
    if words[0] in ("evalsha", "evalsha_ro", "eval", "eval_ro", "fcall", "fcall_ro"):
        script = words[1] if len(words) > 1 else "0" * 40
        args = [words[0], script, "1", key]
    else:
        wanted = abs(arity) if arity is not None else len(words) + 1
        # channel commands take channels: the one the users may use
        word = CHANNEL if "subscribe" in words[0] or "publish" in words[0] else key
        args = [*words, *[word] * max(0, wanted - len(words))]
    try:
        reply = admin.execute_command("ACL", "DRYRUN", user, *args)
    except redis.ResponseError as exc:
        raise AssertionError(f"ACL DRYRUN {user} {' '.join(args)}: {exc}") from None
    return reply in (b"OK", "OK")


def every_command(admin: redis.Redis) -> dict[str, int]:
    """Every command and subcommand this Redis knows, by its ACL name, with its arity."""
    found: dict[str, int] = {}

    def add(entry: list) -> None:
        name = entry[0].decode() if isinstance(entry[0], bytes) else entry[0]
        subcommands = entry[9] if len(entry) > 9 else []
        if subcommands:
            for sub in subcommands:
                add(sub)
        else:
            found[name.lower()] = int(entry[1])

    for entry in admin.execute_command("COMMAND INFO"):  # one word: no reply parser of redis-py
        add(entry)
    return found


def test_each_user_sends_only_what_its_rules_allow_and_nothing_else_is_allowed(
    acl_redis, conn, database_url, make_app
):
    admin = redis.Redis.from_url(acl_redis.url())
    admin.flushall()
    with CommandRecorder(acl_redis.url()) as recorder:
        exercise(conn, admin, acl_redis, database_url, make_app)
    sent = recorder.by_user()
    known = every_command(admin)
    for user in ("lb-bridge", "lb-web"):
        allowed = redis_acl.allowed(user)
        assert sent.get(user), f"nothing recorded for {user}"
        assert sent[user] <= allowed, f"{user} sent commands its rules do not name"
        refused = [c for c in sorted(sent[user]) if not dry_run(admin, user, c, known.get(c))]
        assert refused == [], f"{user} is refused what it sends"
        # the rules allow exactly the named commands: nothing else Redis knows
        wrongly = sorted(c for c in set(known) - allowed if dry_run(admin, user, c, known[c]))
        assert wrongly == [], f"{user} may run {wrongly}"
        # nor any script but the project's
        assert not dry_run(admin, user, "evalsha|" + "0" * 40)
    admin.close()


@pytest.mark.parametrize("user", ["lb-bridge", "lb-web"])
def test_no_service_user_can_flush_load_or_run_other_scripts(acl_redis, user):
    client = redis.Redis.from_url(acl_redis.url(user=user))
    for attempt in (
        client.script_flush,
        lambda: client.eval("return redis.call('flushall')", 0),
        client.function_flush,
        lambda: client.function_load("#!lua name=x\nredis.register_function('f', function() end)"),
        lambda: client.evalsha("0" * 40, 0),
    ):
        with pytest.raises(redis.exceptions.NoPermissionError):
            attempt()
    # loading a script is allowed (after a flush the services load theirs again), running an
    # unknown one is not
    sha = client.script_load("return redis.call('flushall')")
    with pytest.raises(redis.exceptions.NoPermissionError):
        client.evalsha(sha, 0)
    client.close()


def test_the_web_user_subscribes_to_events_but_cannot_publish_them(acl_redis):
    web = redis.Redis.from_url(acl_redis.url(user="lb-web"))
    bridge = redis.Redis.from_url(acl_redis.url(user="lb-bridge"))
    channel = redis_acl.Keys().events
    pubsub = web.pubsub()
    pubsub.subscribe(channel)
    with pytest.raises(redis.exceptions.NoPermissionError):
        web.publish(channel, '{"type": "top10", "board": "global", "data": []}')
    bridge.publish(channel, "real")
    wait_until(
        lambda: (
            (m := pubsub.get_message(ignore_subscribe_messages=True, timeout=0.2))
            and m["data"] == b"real"
        ),
        message="the bridge's event",
    )
    pubsub.close()
    web.close()
    bridge.close()
