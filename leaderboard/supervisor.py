"""`leaderboard run`: the bridge and the web server as child processes, in the foreground.

A bridge that dies is restarted (it is built to be: it catches up from the index's cursor);
if the web server exits, everything stops. Ctrl-C or SIGTERM stops both. In a sharded
deployment (LEADERBOARD_SHARD_URLS) there is one bridge per shard, each on its shard's
database, restarted on its own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from leaderboard import config, logs
from leaderboard.backoff import Backoff
from leaderboard.cli import EXIT_SCHEMA

log = logs.get("run")
STABLE_S = 60.0  # a bridge that ran this long before exiting starts the backoff afresh


class RestartDelay:
    """How long to wait before restarting a bridge that exited: 2, 4, 8 ... up to 30 s for
    crashes in a row, back to 2 s once a run lasted STABLE_S (without the reset, a few
    crashes early in a long life made every later restart wait 30 s)."""

    def __init__(self, cap: float = 30.0, stable_s: float = STABLE_S) -> None:
        self.stable_s = stable_s
        self.backoff = Backoff(base=2.0, cap=cap)

    def after(self, ran_for: float) -> float:
        return self.backoff.after_run(ran_for, self.stable_s)


def _spawn(command: str, database_url: str | None = None) -> subprocess.Popen:
    env = None if database_url is None else {**os.environ, "DATABASE_URL": database_url}
    return subprocess.Popen([sys.executable, "-m", "leaderboard", command], env=env)


def run_all(settings: config.Settings) -> int:
    # bridge name -> the database it follows (None: DATABASE_URL, one node)
    bridges: dict[str, str | None] = (
        {f"bridge-{n}": url for n, url in enumerate(settings.shard_urls)}
        if settings.shard_urls
        else {"bridge": None}
    )
    children = {name: _spawn("bridge", url) for name, url in bridges.items()}
    children["web"] = _spawn("web")
    log.info(
        "running",
        url=f"http://{settings.host}:{settings.port}",
        **{f"{name}_pid": child.pid for name, child in children.items()},
    )
    stopping = False
    exit_code = 0

    def on_signal(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    delays = {name: RestartDelay() for name in bridges}
    started = dict.fromkeys(bridges, time.monotonic())
    while not stopping:
        time.sleep(0.2)
        if stopping:  # Ctrl-C reaches the children too; their exit is expected now
            break
        code = children["web"].poll()
        if code is not None:
            log.error("web_exited", code=code)
            exit_code = code or 1
            break
        for name, url in bridges.items():
            code = children[name].poll()
            if code is None:
                continue
            if code == EXIT_SCHEMA:
                exit_code = code
                stopping = True
                break
            delay = delays[name].after(time.monotonic() - started[name])
            log.warning("bridge_exited", bridge=name, code=code, restarting_in_s=delay)
            deadline = time.monotonic() + delay
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.2)
            if not stopping:
                children[name] = _spawn("bridge", url)
                started[name] = time.monotonic()
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children.values():
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    return exit_code
