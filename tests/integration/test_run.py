"""`leaderboard run` and `python -m ops run` (what `make run` does) as a user runs them."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request

from leaderboard import redisconn
from leaderboard.index.keys import Keys
from ops.postgres import data_root_for
from tests.support.bridge import KEYS, wait_until
from tests.support.servers import free_port


def get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
    except OSError:
        return None, None


def start(args, env):
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - read and closed by the test
    proc = subprocess.Popen(
        args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    return proc, log


def launch(
    command: str,
    database_url: str,
    redis_url: str,
    workers: int = 1,
    threads: int = 4,
    port: int | None = None,
    **extra,
):
    """`leaderboard COMMAND` (or `ops run`) on `port` or a free one; (process, log, base URL)."""
    port = port or free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PORT": str(port),
        "WEB_WORKERS": str(workers),
        "WEB_THREADS": str(threads),
        "LEADERBOARD_SUBMIT_AUTH": "open",
        **extra,
    }
    args = ["-m", "ops", "run"] if command == "ops run" else ["-m", "leaderboard", command]
    proc, log = start([sys.executable, *args], env)
    return proc, log, f"http://127.0.0.1:{port}"


def output(log) -> str:
    log.seek(0)
    return log.read()


def test_run_serves_restarts_a_killed_bridge_and_stops_on_sigterm(
    database_url, redis_url, redis_client
):
    proc, log, base = launch(
        "run", database_url, redis_url, 1, 4, LEADERBOARD_REFRESH_INTERVAL_MS="1000"
    )
    try:
        wait_until(lambda: get(f"{base}/health")[0] == 200, timeout=30, message="healthy")
        bridge_pid = int(re.search(r"bridge_pid=(\d+)", output(log)).group(1))
        os.kill(bridge_pid, signal.SIGKILL)
        wait_until(lambda: "bridge_exited" in output(log), message="the supervisor noticing")
        wait_until(
            lambda: (
                get(f"{base}/health")[0] == 200
                and len(list(redis_client.scan_iter(KEYS.bridge("*")))) >= 1
            ),
            timeout=30,
            message="a new bridge",
        )
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        code = proc.wait(timeout=30)
    assert code == 0, output(log)
    assert get(f"{base}/health") == (None, None)  # nothing left listening
    log.close()


def test_ops_run_migrates_seeds_once_and_serves(database_url, redis_url):
    proc, log, base = launch("ops run", database_url, redis_url, 1, 4)
    try:
        wait_until(
            lambda: get(f"{base}/api/leaderboard/top")[0] == 200, timeout=60, message="serving"
        )
        _status, body = get(f"{base}/api/leaderboard/top")
        assert len(body["data"]) == 10  # the demo dataset
        assert "seeded 10000 players, 50000 sessions" in output(log)
        assert "Leaderboard: http://localhost:" in output(log)
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal signals the whole group
        code = proc.wait(timeout=30)
    assert code in (0, -signal.SIGINT, 130), output(log)
    log.close()


def open_stream(base: str):
    """An SSE client, as the dashboard's EventSource: returns the response once the first
    event (the top 10) has arrived."""
    response = urllib.request.urlopen(f"{base}/api/leaderboard/stream", timeout=30)
    assert response.readline() == b"retry: 3000\n"
    return response


def read_to_end(response) -> bytes:
    """Everything the server still sends; returns when it closes the stream (the read timeout
    is far longer than any keepalive, so a stream left open fails the test)."""
    try:
        return response.read()
    finally:
        response.close()


def test_web_ends_open_streams_at_once_on_sigterm(database_url, redis_url):
    """Stopping the server with dashboards open: the streams end and the workers stop by
    themselves, instead of being killed once the server's grace period is over."""
    port = free_port()
    # a folder of metric files from an earlier run on this port: emptied at start (a new
    # temporary folder each start was left behind every time)
    metrics = os.path.join(tempfile.gettempdir(), f"leaderboard-metrics-{port}")
    os.makedirs(metrics, exist_ok=True)
    with open(os.path.join(metrics, "counter_1.db"), "w") as stale:
        stale.write("from an earlier run")
    # 32 threads: 16 streams a worker, 4 of them from one address (the four below fit even
    # when they all reach one worker)
    proc, log, base = launch("web", database_url, redis_url, 2, 32, port=port)
    try:
        wait_until(lambda: get(f"{base}/livez")[0] == 200, timeout=30, message="serving")
        assert "counter_1.db" not in os.listdir(metrics)
        # both workers up (one may answer while the other still loads the app; a worker
        # signalled while it starts is granian's to handle, not what this test is about)
        wait_until(
            lambda: len(re.findall(r"Started worker-\d+$", output(log), re.M)) == 2,
            message="both workers",
        )
        streams = [open_stream(base) for _ in range(4)]
        assert os.listdir(metrics)  # the workers' metric files
    finally:
        proc.send_signal(signal.SIGTERM)
    tails = [read_to_end(s) for s in streams]
    code = proc.wait(timeout=30)
    text = output(log)
    assert code == 0, text
    assert all(b"event: top10" in tail for tail in tails)
    assert "ending_streams" in text
    assert "Killing worker" not in text, text  # granian's words for a worker it had to kill
    log.close()


def test_ctrl_c_on_run_with_a_dashboard_open_stops_cleanly(database_url, redis_url):
    proc, log, base = launch("run", database_url, redis_url, 1, 4)
    try:
        wait_until(lambda: get(f"{base}/livez")[0] == 200, timeout=30, message="serving")
        stream = open_stream(base)
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal signals the whole group
    read_to_end(stream)
    code = proc.wait(timeout=30)
    text = output(log)
    assert code == 0, text
    assert "ending_streams" in text
    assert "Killing worker" not in text, text
    log.close()


def _free_run_of_ports(count: int, cluster_bus: bool = False) -> int:
    """A port p with p .. p + count - 1 all free (the main cluster and the shard clusters
    `ops up --shards` puts after it; with `cluster_bus`, Redis Cluster nodes, whose bus ports
    are 10000 higher and must be free too)."""
    import random
    import socket

    def free(port: int) -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) != 0

    for _ in range(200):
        # below the ephemeral range (32768 up), bus ports included (ops.redis_cluster)
        first = random.randint(10_000, 22_000)
        ports = range(first, first + count)
        if all(free(p) and (not cluster_bus or free(p + 10_000)) for p in ports):
            return first
    raise RuntimeError("no run of free ports")


def test_ops_run_with_shards_serves_a_sharded_deployment_on_a_redis_cluster(tmp_path):
    """`make run SHARDS=2 REDIS_CLUSTER=1`: two shard clusters and the proxy database, seeded
    through the proxy, a bridge per shard, the app on the proxy, the index on a 3-master,
    3-replica Redis Cluster; everything it started stops with it."""
    var = tmp_path / "var"
    var.mkdir()
    # the postgres user creates the clusters in it
    os.chmod(tmp_path, 0o755)
    os.chmod(var, 0o755)
    pg_port = _free_run_of_ports(3)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")} | {
        "LB_VAR_DIR": str(var),
        "LB_PG_PORT": str(pg_port),
        "LB_REDIS_PORT": str(_free_run_of_ports(6, cluster_bus=True)),
        "PORT": str(port),
        "WEB_WORKERS": "1",
        "WEB_THREADS": "4",
        "LEADERBOARD_REFRESH_INTERVAL_MS": "1000",
    }
    proc, log = start([sys.executable, "-m", "ops", "run", "--shards", "2", "--redis-cluster"], env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: len((get(f"{base}/api/leaderboard/top")[1] or {}).get("data", [])) == 10,
            timeout=180,
            message="serving the seeded top 10",
        )
        text = output(log)
        assert "seeded 10000 players, 50000 sessions" in text
        assert "shard=0 shards=2" in text
        assert "shard=1 shards=2" in text
        # the index is on the cluster: each shard's part of the global board
        redis_port = int(env["LB_REDIS_PORT"])
        cluster = redisconn.connect(f"redis+cluster://127.0.0.1:{redis_port}/0")
        try:
            for shard in (0, 1):
                assert cluster.exists(Keys(shard=shard).board_meta("global"))
        finally:
            cluster.close()
        # another terminal, with nothing set but where the servers are: every command finds
        # them (issue 28), verify runs on each shard behind the proxy, status sees the
        # cluster's six nodes
        second = {k: v for k, v in env.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        leaderboard = [sys.executable, "-m", "leaderboard"]
        listed = subprocess.run(
            [*leaderboard, "boards", "list"],
            check=False,
            env=second,
            capture_output=True,
            text=True,
        )
        assert listed.returncode == 0, listed.stderr
        assert "weekly" in listed.stdout
        verified = subprocess.run(
            [*leaderboard, "verify", "--board", "global"],
            check=False,
            env=second,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "shard 0:" in verified.stdout
        assert "shard 1:" in verified.stdout
        status = subprocess.run(
            [sys.executable, "-m", "ops", "status"],
            check=False,
            env=second,
            capture_output=True,
            text=True,
        )
        assert "6 of 6 nodes running" in status.stdout, status.stdout
        assert "postgres shard 1" in status.stdout
        # a player on each shard: a submit over HTTP, then its rank from the merged index
        for user_id in (1, 2):
            status, body = get(f"{base}/api/leaderboard/rank/{user_id}")
            assert status == 200, body
            assert body["source"] == "redis", body
            request = urllib.request.Request(
                f"{base}/api/leaderboard/submit",
                data=json.dumps({"user_id": user_id, "score": 1_000_000}).encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=5) as response:
                total = json.loads(response.read())["data"]["total_score"]
            status, body = get(f"{base}/api/leaderboard/rank/{user_id}")
            assert body["data"]["total_score"] == total
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        code = proc.wait(timeout=60)
    assert code in (0, -signal.SIGINT, 130), output(log)
    text = output(log)
    assert "stopped LocalPostgres on port" in text
    assert text.count("stopped LocalPostgres") == 3, text[-2000:]
    assert "stopped LocalRedisCluster on port" in text
    log.close()
    # the clusters' data: under the test's directory, or where the postgres user can reach
    # (/var/tmp/leaderboard-<digest> when the test's directory is root's own)
    shutil.rmtree(data_root_for(var).parent, ignore_errors=True)


def test_ops_down_says_what_it_did(tmp_path):
    """`python -m ops down` printed nothing, whether or not anything had been running."""
    result = subprocess.run(
        [sys.executable, "-m", "ops", "down"],
        check=False,
        env={**os.environ, "LB_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "nothing was running\n"
