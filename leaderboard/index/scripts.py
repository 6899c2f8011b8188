"""The Lua scripts in scripts/*.lua, each prefixed with scripts/_common.lua, and how they run.

Scripts run with EVALSHA and are loaded again when Redis answers NOSCRIPT (a restarted or
flushed Redis). redis-py's own Script sends SCRIPT EXISTS before EVALSHA inside pipelines: a
second round trip on every bridge poll (13% of the bridge's time at 8k changes/s, by py-spy),
so pipelines use `sha` directly and `ensure` after a NOSCRIPT.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import redis

HERE = Path(__file__).resolve().parent / "scripts"


@cache
def source(name: str) -> str:
    """The script's full text: its shebang line (flags) first, then the shared helpers."""
    body = (HERE / f"{name}.lua").read_text()
    common = (HERE / "_common.lua").read_text()
    if body.startswith("#!"):
        shebang, _, rest = body.partition("\n")
        return f"{shebang}\n{common}\n{rest}"
    return f"{common}\n{body}"


class Script:
    """A script run with EVALSHA, or EVALSHA_RO when it is flagged no-writes: plain EVALSHA
    declares its keys read-write, which an ACL user with read-only access to the index (the
    web app) may not use; the flag also lets it run on replicas."""

    def __init__(self, client: redis.Redis, name: str) -> None:
        self.client = client
        self.name = name
        self.body = source(name)
        self.sha = hashlib.sha1(self.body.encode()).hexdigest()  # noqa: S324 - Redis's script id
        self.read_only = self.body.startswith("#!lua flags=no-writes")

    def __call__(self, keys: list[str], args: list[Any]) -> Any:
        run = self.client.evalsha_ro if self.read_only else self.client.evalsha
        try:
            return run(self.sha, len(keys), *keys, *args)
        except redis.exceptions.NoScriptError:
            self.ensure()
            return run(self.sha, len(keys), *keys, *args)

    def queue(self, pipe: Any, keys: list[str], args: list[Any]) -> None:
        """Add a call to a pipeline; if it fails with NOSCRIPT, `ensure` and run it again."""
        pipe.evalsha(self.sha, len(keys), *keys, *args)

    def ensure(self) -> None:
        self.client.script_load(self.body)
