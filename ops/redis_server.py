"""A project-local Redis server on loopback.

The Redis index is derived data that the bridge rebuilds from PostgreSQL, so persistence is
off. `noeviction`: no key is ever evicted, so a memory limit reached makes writes fail loudly
(the bridge reports it and rebuilds once there is room) instead of silently dropping part of
an index.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ops import packages, redis_acl
from ops.postgres import _check_port_free

SERVER_ARGS = [
    "--bind",
    "127.0.0.1",
    "--protected-mode",
    "yes",
    "--save",
    "",
    "--appendonly",
    "no",
    "--maxmemory-policy",
    "noeviction",
    "--daemonize",
    "yes",
]


def server_binary() -> str:
    return packages.ensure_program("redis-server", "redis-server")


@dataclass
class LocalRedis:
    root: Path
    port: int
    extra_args: list[str] = field(default_factory=list)
    # user -> password (ops.redis_acl); None: no ACL, the default user is open (development)
    acl_passwords: dict[str, str] | None = None

    @property
    def pidfile(self) -> Path:
        return self.root / "redis.pid"

    @property
    def logfile(self) -> Path:
        return self.root / "redis.log"

    def url(self, db: int = 0, user: str | None = None) -> str:
        if self.acl_passwords and user is None:
            user = "lb-admin"
        credentials = f"{user}:{self.acl_passwords[user]}@" if user and self.acl_passwords else ""
        return f"redis://{credentials}127.0.0.1:{self.port}/{db}"

    def pid(self) -> int | None:
        try:
            pid = int(self.pidfile.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if alive(pid) else None

    def running(self) -> bool:
        return self.pid() is not None

    def start(self) -> bool:
        """Start the server; False if it was already running (so the caller did not start it)."""
        if self.running():
            return False
        self.root.mkdir(parents=True, exist_ok=True)
        _check_port_free(self.port, "Redis")
        acl: list[str] = []
        if self.acl_passwords:
            acl = [
                "--aclfile",
                str(redis_acl.write_aclfile(self.root / "users.acl", self.acl_passwords)),
            ]
        subprocess.run(
            [
                server_binary(),
                "--port",
                str(self.port),
                "--dir",
                str(self.root),
                "--pidfile",
                str(self.pidfile),
                "--logfile",
                str(self.logfile),
                *SERVER_ARGS,
                *acl,
                *self.extra_args,
            ],
            check=True,
        )
        self.wait_ready()
        return True

    def wait_ready(self, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0 and self.pid():
                    return
            time.sleep(0.05)
        raise TimeoutError(f"Redis on port {self.port} not ready; see {self.logfile}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        """SIGTERM is a clean shutdown; nothing is saved since persistence is off."""
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and alive(pid):
            time.sleep(0.05)
        self.pidfile.unlink(missing_ok=True)

    def kill(self) -> None:
        self.stop(sig=signal.SIGKILL)

    def restart_empty(self) -> None:
        self.kill()
        self.start()


def alive(pid: int) -> bool:
    """Whether a process runs. A daemonized server that has exited stays a zombie until
    PID 1 reaps it, which in a container may take seconds (each node of a Redis Cluster took
    2 s to stop, 12 s in all, on Ctrl-C of `make run REDIS_CLUSTER=1`): that counts as gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True  # not Linux: the signal's answer is all there is


def temporary(
    port: int, extra_args: list[str] | None = None, acl_passwords: dict[str, str] | None = None
) -> LocalRedis:
    root = Path(tempfile.mkdtemp(prefix="lb-redis-", dir="/tmp"))
    return LocalRedis(
        root=root, port=port, extra_args=extra_args or [], acl_passwords=acl_passwords
    )
