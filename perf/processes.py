"""`leaderboard <command>` as a child process, for benchmarks and fault tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile


class Service:
    def __init__(self, command: str, env: dict[str, str]) -> None:
        self.command = command
        self.env = {**os.environ, **env}
        self.proc: subprocess.Popen | None = None
        # a file, not a pipe: nobody reads a pipe while the child runs, and a full one blocks it
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in close()

    def start(self) -> Service:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "leaderboard", self.command],
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
