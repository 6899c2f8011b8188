"""A project-local PostgreSQL cluster on loopback.

initdb and pg_ctl refuse to run as root, so when we are root the cluster belongs to the
unprivileged `postgres` OS user (created by the Debian package) and every server command runs
through `runuser`. The binaries live in /usr/lib/postgresql/<version>/bin, not on PATH.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ops import packages

SERVER_USER = "postgres"

# Settings for a development/test server on a 2-core machine. fsync and synchronous_commit stay
# on: benchmarks must measure durable commits.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "max_connections": "200",
    "shared_buffers": "512MB",
    "work_mem": "32MB",
    "maintenance_work_mem": "1GB",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "15min",
    # wal_compression stays off (the default): lz4 cut the WAL of 10,000 submits right after
    # a CHECKPOINT from 199 MB to 122 MB but changed no measured latency, and it made
    # lb.seed's index phase slower (7.6 -> 8.5 s) while the plain reference load got faster.
    "max_parallel_maintenance_workers": "2",
    "fsync": "on",
    "synchronous_commit": "on",
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",
}


def bin_dir() -> Path:
    """The newest installed server's bin directory, installing PostgreSQL if there is none."""
    found = _bin_dirs()
    if not found:
        packages.install("postgresql")
        found = _bin_dirs()
    if not found:
        raise packages.MissingDependency(
            "PostgreSQL server binaries not found under /usr/lib/postgresql"
        )
    return found[-1]


def ensure_plproxy() -> None:
    """PL/Proxy for the server bin_dir() runs (a sharded deployment's proxy database), from
    Debian's postgresql-<version>-plproxy when it is missing."""
    version = bin_dir().parent.name
    if not Path(f"/usr/share/postgresql/{version}/extension/plproxy.control").exists():
        packages.install(f"postgresql-{version}-plproxy")


def _bin_dirs() -> list[Path]:
    dirs = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    return sorted(dirs, key=lambda d: int(d.parent.name) if d.parent.name.isdigit() else 0)


def _must_drop_root() -> bool:
    return os.geteuid() == 0


def _server_user_can_enter(path: Path) -> bool:
    """Whether the server user can reach `path` (every directory on the way is searchable);
    the cluster's own directory is created there and handed to it."""
    probe = subprocess.run(
        ["runuser", "-u", SERVER_USER, "--", "test", "-x", str(path)],
        check=False,
        cwd="/",
    )
    return probe.returncode == 0


def data_root_for(project_var: Path) -> Path:
    """Where the cluster lives: under `.var/` unless the server user cannot reach it.

    A clone under /root (mode 700) is not reachable by `postgres`; then a per-project folder
    under /var/tmp is used instead, named after the project path so two clones do not collide.
    """
    project_var.mkdir(parents=True, exist_ok=True)
    if not _must_drop_root():
        return project_var / "pg"
    _ensure_server_user()
    if _server_user_can_enter(project_var):
        return project_var / "pg"
    digest = hashlib.sha256(str(project_var.resolve()).encode()).hexdigest()[:10]
    return Path("/var/tmp") / f"leaderboard-{digest}" / "pg"  # noqa: S108 -- per-project name


def _ensure_server_user() -> None:
    try:
        pwd.getpwnam(SERVER_USER)
    except KeyError:
        packages.install("postgresql")


@dataclass
class LocalPostgres:
    """One cluster: `root` holds data/, the log and the socket directory."""

    root: Path
    port: int
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def logfile(self) -> Path:
        return self.root / "server.log"

    @property
    def socket_dir(self) -> Path:
        return self.root / "run"

    def url(self, dbname: str = "postgres", user: str = SERVER_USER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    # -- lifecycle ---------------------------------------------------------------------------

    def _run(self, args: list[str], check: bool = True, **kw) -> subprocess.CompletedProcess:
        cmd = [str(bin_dir() / args[0]), *args[1:]]
        if _must_drop_root():
            _ensure_server_user()
            cmd = ["runuser", "-u", SERVER_USER, "--", *cmd]
        return subprocess.run(cmd, check=check, cwd="/", **kw)

    def _chown(self, path: Path) -> None:
        if _must_drop_root():
            shutil.chown(path, SERVER_USER, SERVER_USER)

    def initialized(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def init(self) -> None:
        """initdb with trust auth on loopback only: a private dev/test cluster, never exposed."""
        if self.initialized():
            return
        bin_dir()
        for d in (self.root, self.socket_dir):
            d.mkdir(parents=True, exist_ok=True)
            self._chown(d)
        self._run(
            [
                "initdb",
                "-D",
                str(self.data),
                "-U",
                SERVER_USER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-instructions",
            ],
            stdout=subprocess.DEVNULL,
        )
        conf = {
            **SERVER_SETTINGS,
            **self.settings,
            "port": str(self.port),
            "unix_socket_directories": f"'{self.socket_dir}'",
        }
        with (self.data / "postgresql.auto.conf").open("a") as f:
            for key, value in conf.items():
                quoted = value if value.startswith("'") else f"'{value}'"
                f.write(f"{key} = {quoted}\n")

    def running(self) -> bool:
        return (
            self._run(
                ["pg_ctl", "status", "-D", str(self.data)], check=False, stdout=subprocess.DEVNULL
            ).returncode
            == 0
        )

    def start(self) -> bool:
        """Start the server; False if it was already running (so the caller did not start it)."""
        self.init()
        if self.running():
            return False
        _check_port_free(self.port, "PostgreSQL")
        self._run(
            [
                "pg_ctl",
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.data),
                "-l",
                str(self.logfile),
                "-o",
                f"-p {self.port}",
            ],
            stdout=subprocess.DEVNULL,
        )
        return True

    def stop(self, mode: str = "fast") -> None:
        if self.initialized() and self.running():
            self._run(
                ["pg_ctl", "stop", "-w", "-m", mode, "-D", str(self.data)],
                stdout=subprocess.DEVNULL,
            )

    def restart(self, mode: str = "fast") -> None:
        self._run(
            [
                "pg_ctl",
                "restart",
                "-w",
                "-m",
                mode,
                "-D",
                str(self.data),
                "-l",
                str(self.logfile),
                "-o",
                f"-p {self.port}",
            ],
            stdout=subprocess.DEVNULL,
        )

    def destroy(self) -> None:
        self.stop(mode="immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = subprocess.run(
                [str(bin_dir() / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                check=False,
            )
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise TimeoutError(f"PostgreSQL on port {self.port} not ready; see {self.logfile}")

    def create_database(self, name: str) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"database name must match [a-z_][a-z0-9_]*, got {name!r}")
        exists = self.psql(f"select 1 from pg_database where datname = '{name}'")  # noqa: S608
        if exists.strip() != "1":
            self.psql(f"create database {name}")

    def psql(self, sql: str, dbname: str = "postgres") -> str:
        out = subprocess.run(
            [
                str(bin_dir() / "psql"),
                "-X",
                "-q",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                SERVER_USER,
                "-d",
                dbname,
                "-c",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return out.stdout


def _check_port_free(port: int, what: str) -> None:
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", port)) == 0:
            raise RuntimeError(
                f"port {port} is already in use, so {what} cannot start there: stop whatever "
                f"listens on it or choose another port (LB_PG_PORT / LB_REDIS_PORT)"
            )


def temporary(port: int, settings: dict[str, str] | None = None) -> LocalPostgres:
    """A throwaway cluster for tests, in a fresh directory the server user can reach."""
    root = Path(tempfile.mkdtemp(prefix="lb-pg-", dir="/tmp"))
    os.chmod(root, 0o755)  # noqa: S103 -- the server user must traverse into it
    return LocalPostgres(root=root / "cluster", port=port, settings=settings or {})
