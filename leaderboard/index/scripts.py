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

from leaderboard import redisconn

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
        if isinstance(pipe, SlotPipeline):
            pipe.script(self.sha, keys, args)
        else:
            pipe.evalsha(self.sha, len(keys), *keys, *args)

    def ensure(self) -> None:
        self.client.script_load(self.body)


def pipeline(client: Any) -> Any:
    """A non-transactional pipeline that may carry script calls: redis-py's own, or on a Redis
    Cluster (whose pipelines refuse EVALSHA) a SlotPipeline."""
    if redisconn.clustered(client):
        return SlotPipeline(client)
    return client.pipeline(transaction=False)


class SlotPipeline:
    """A Redis Cluster pipeline that also takes script calls: each script runs as its own
    EVALSHA on its slot's node (a script touches one board, one slot), the other commands go in
    one cluster pipeline, and `execute` answers in the order they were queued, as a pipeline
    does. Each call is idempotent (never-backwards writes, compare-and-set cursors), so a
    retry after a failover is safe."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.pipe = client.pipeline(transaction=False)
        self.order: list[tuple[str, Any]] = []

    def script(self, sha: str, keys: list[str], args: list[Any]) -> None:
        self.order.append(("script", (sha, keys, args)))

    def __getattr__(self, name: str) -> Any:
        command = getattr(self.pipe, name)

        def queued(*args: Any, **kwargs: Any) -> SlotPipeline:
            command(*args, **kwargs)
            self.order.append(("pipe", None))
            return self

        return queued

    def execute(self, raise_on_error: bool = True) -> list[Any]:
        piped = iter(self.pipe.execute(raise_on_error=raise_on_error))
        replies: list[Any] = []
        for kind, call in self.order:
            if kind == "pipe":
                replies.append(next(piped))
                continue
            sha, keys, args = call
            try:
                replies.append(self.client.evalsha(sha, len(keys), *keys, *args))
            except redis.exceptions.ResponseError as exc:
                if raise_on_error:
                    raise
                replies.append(exc)
        self.order = []
        return replies
