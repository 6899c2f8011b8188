"""`leaderboard run` and `python -m ops run` (what `make run` does) as a user runs them."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.request

from tests.conftest import free_port
from tests.integration.bridge_helpers import KEYS, wait_until


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


def output(log) -> str:
    log.seek(0)
    return log.read()


def test_run_serves_restarts_a_killed_bridge_and_stops_on_sigterm(
    database_url, redis_url, redis_client
):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PORT": str(port),
        "LEADERBOARD_REFRESH_INTERVAL_MS": "1000",
        "WEB_WORKERS": "1",
        "WEB_THREADS": "4",
    }
    proc, log = start([sys.executable, "-m", "leaderboard", "run"], env)
    base = f"http://127.0.0.1:{port}"
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
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PORT": str(port),
        "WEB_WORKERS": "1",
        "WEB_THREADS": "4",
    }
    proc, log = start([sys.executable, "-m", "ops", "run"], env)
    base = f"http://127.0.0.1:{port}"
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
