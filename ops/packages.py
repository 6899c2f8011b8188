"""Install the Debian packages the local services need, once, when they are missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


class MissingDependency(RuntimeError):
    """A required program is not installed and cannot be installed from here."""


def install(*packages: str) -> None:
    """apt-get install the packages; apt-get update first, a fresh machine has no package lists.

    Only root can do this; anyone else gets an error naming the packages to install.
    """
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise MissingDependency(
            f"missing Debian packages {', '.join(packages)}: install them "
            f"(sudo apt-get install -y {' '.join(packages)}) or set DATABASE_URL/REDIS_URL "
            "to servers you already run"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for args in (["update", "-q"], ["install", "-y", "-q", "--no-install-recommends", *packages]):
        print(f"ops: apt-get {' '.join(args)}", file=sys.stderr, flush=True)
        subprocess.run(["apt-get", *args], check=True, env=env, stdout=subprocess.DEVNULL)


def ensure_program(program: str, package: str) -> str:
    """The path of `program`, installing `package` first if it is not on PATH."""
    path = shutil.which(program)
    if path is None:
        install(package)
        path = shutil.which(program)
    if path is None:
        raise MissingDependency(f"{program} not found even after installing {package}")
    return path


def ensure_programs(programs: dict[str, str]) -> None:
    """ensure_program for each program -> package, with one apt-get run for all missing."""
    missing = [package for program, package in programs.items() if shutil.which(program) is None]
    if missing:
        install(*missing)
    for program, package in programs.items():
        ensure_program(program, package)
