"""`leaderboard <command>` as a child process, for benchmarks and fault tests."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request


class Service:
    """`leaderboard COMMAND`, or any `argv` given instead (another server, for comparison)."""

    def __init__(self, command: str, env: dict[str, str], argv: list[str] | None = None) -> None:
        self.command = command
        self.argv = argv or [sys.executable, "-m", "leaderboard", command]
        self.env = {**os.environ, **env}
        self.proc: subprocess.Popen | None = None
        # a file, not a pipe: nobody reads a pipe while the child runs, and a full one blocks it
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in close()

    def start(self) -> Service:
        self.proc = subprocess.Popen(
            self.argv,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill9(self) -> None:
        if self.running():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.running():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill9()

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def close(self) -> None:
        self.stop()
        self.log.close()


def cpu_seconds(pid: int, expect: str) -> float | None:
    """User + system CPU time of a local process, or None when `pid` is not a local process
    whose command line contains `expect` (the server may be on another machine, where the
    same pid is something else)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            if expect.encode() not in f.read():
                return None
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # fields[11] and [12] are utime and stime (the 14th and 15th of stat), in clock ticks
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU use of named processes over a `with` block, as % of one core."""

    def __init__(self, processes: dict[str, tuple[list[int], str]]) -> None:
        self.processes = processes  # name -> (pids, what their command line contains)
        self.percent: dict[str, float | None] = {}

    def _sample(self) -> dict[str, float | None]:
        totals: dict[str, float | None] = {}
        for name, (pids, expect) in self.processes.items():
            times = [cpu_seconds(pid, expect) for pid in pids]
            known = [t for t in times if t is not None]
            totals[name] = sum(known) if pids and len(known) == len(times) else None
        return totals

    def __enter__(self) -> CpuMeter:
        self._start, self._started = self._sample(), time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        elapsed = time.monotonic() - self._started
        end = self._sample()
        for name, before in self._start.items():
            after = end[name]
            if before is None or after is None:
                self.percent[name] = None
            else:
                self.percent[name] = round((after - before) / elapsed * 100, 1)


def free_port() -> int:
    """A free loopback port below Linux's ephemeral range (32768 up). A server on an
    ephemeral port can lose it while it restarts: a client retrying its connection meanwhile
    may be given that very port as its own and connect to itself (TCP simultaneous open),
    and the server then cannot bind it (the chaos soak's Redis did, once)."""
    for _ in range(1000):
        port = random.randint(10_000, 32_000)  # noqa: S311 -- not a secret
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        return json.loads(response.read())


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            get_json(url)
            return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")
