"""`leaderboard run`: the bridge and the web server as child processes, in the foreground.

A bridge that dies is restarted (it is built to be: it catches up from the index's cursor);
if the web server exits, everything stops. Ctrl-C or SIGTERM stops both.
"""

from __future__ import annotations

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


def _spawn(command: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "leaderboard", command])


def run_all(settings: config.Settings) -> int:
    children = {"bridge": _spawn("bridge"), "web": _spawn("web")}
    log.info(
        "running",
        url=f"http://{settings.host}:{settings.port}",
        bridge_pid=children["bridge"].pid,
        web_pid=children["web"].pid,
    )
    stopping = False
    exit_code = 0

    def on_signal(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    delays = RestartDelay()
    bridge_started = time.monotonic()
    while not stopping:
        time.sleep(0.2)
        if stopping:  # Ctrl-C reaches the children too; their exit is expected now
            break
        code = children["web"].poll()
        if code is not None:
            log.error("web_exited", code=code)
            exit_code = code or 1
            break
        code = children["bridge"].poll()
        if code is not None:
            if code == EXIT_SCHEMA:
                exit_code = code
                break
            delay = delays.after(time.monotonic() - bridge_started)
            log.warning("bridge_exited", code=code, restarting_in_s=delay)
            deadline = time.monotonic() + delay
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.2)
            if not stopping:
                children["bridge"] = _spawn("bridge")
                bridge_started = time.monotonic()
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children.values():
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    return exit_code
