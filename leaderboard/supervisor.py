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

log = logs.get("run")
SCHEMA_EXIT = 4


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
    restarts = 0
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
            if code == SCHEMA_EXIT:
                exit_code = code
                break
            restarts += 1
            delay = min(30, 2**restarts)
            log.warning("bridge_exited", code=code, restarting_in_s=delay)
            deadline = time.monotonic() + delay
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.2)
            if not stopping:
                children["bridge"] = _spawn("bridge")
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children.values():
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    return exit_code
