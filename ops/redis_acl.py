"""Redis ACL users for the project, with passwords from the environment (never the repo).

  lb-bridge  reads and writes the project's keys (prefix lb:v1:) with the commands its code
             sends, runs the project's scripts, and publishes on the events channel
  lb-web     reads the project's keys and subscribes to the events channel (it cannot
             publish: a fake top-10 event would reach every dashboard); writes its rate-limit
             lists (lb:v1:ratelimit*), and, for read-your-writes, board values and usernames
             with the echo script's commands alone (an ACL selector): it cannot delete,
             rename, expire or replace a key, nor write the cached top 10
  both       run only the project's scripts, by SHA1, and may load them, never flush or
             replace them (no EVAL, SCRIPT FLUSH, FUNCTION ...)
  lb-admin   everything, for operators and tests (FLUSHALL, INFO, ...)
  default    off: every connection must authenticate

`python -m ops redis-acl` prints these as ACL SETUSER commands for a production Redis.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import limits

from leaderboard.index import scripts
from leaderboard.index.keys import DEFAULT_PREFIX, Keys

PASSWORD_VARS = {
    "lb-bridge": "LEADERBOARD_REDIS_BRIDGE_PASSWORD",
    "lb-web": "LEADERBOARD_REDIS_WEB_PASSWORD",
    "lb-admin": "LEADERBOARD_REDIS_ADMIN_PASSWORD",
}

# Every command each user's code sends, by name: tests/adversarial/test_redis_acl_users.py
# runs both services as these users, records what they send, and fails if they send a command
# not named here or if any other command Redis knows is allowed. Scripts are named by their
# SHA1 (EVALSHA|<sha>): a user may run the project's scripts and no other, and may load them
# (SCRIPT LOAD, after a restart or a flush) but not flush or replace them (no EVAL, SCRIPT
# FLUSH, FUNCTION). Commands inside a script are checked against the same rules. Redis 7
# logs a deprecation warning for each EVALSHA|<sha> rule at start (a "first argument" rule):
# it is the only way to name which scripts may run; without it, any script a user loaded
# could run (still only with the commands its rules allow).
CONNECTION = ("auth", "hello", "ping", "select", "client|setname", "quit", "reset")
# what redis-py's cluster client asks to learn slots and nodes (REDIS_URL=redis+cluster://)
CLUSTER = ("cluster|slots", "cluster|shards", "command|info", "command|docs", "readonly", "asking")
SCRIPT_LOAD = ("script|load",)

# reads of the index (ranks, pages, board definitions, names, heartbeats, the cached top 10)
READS = (
    "get", "hget", "hgetall", "hmget", "hkeys", "hexists", "exists", "smembers",
    "zcard", "zcount", "zrange", "zrangebyscore", "zrank", "zscore",
)  # fmt: skip
BRIDGE = (
    *READS, "scan", "zrandmember", "zscan", "lrange",
    "set", "del", "unlink", "rename", "persist", "pexpire", "incrby", "decr",
    "hset", "hdel", "hincrby", "sadd", "srem", "rpush", "ltrim",
    "zadd", "zrem", "zremrangebyscore",
    "multi", "exec", "discard", "publish",
)  # fmt: skip
BRIDGE_SCRIPTS = ("apply", "install", "publish", "prune", "release_lock", "end_rebuild", "page",
                  "page_sharded", "rank", "rank_sharded")  # fmt: skip
WEB = (*READS, "subscribe", "unsubscribe")
WEB_SCRIPTS = ("rank", "page", "rank_sharded", "page_sharded")
# read-your-writes: the echo script and the writes it makes, on board values and names only
ECHO = ("hmget", "get", "hget", "zscore", "zadd", "zrem", "hset", "hincrby", "rpush", "ltrim")
ECHO_SCRIPTS = ("remember",)
# flask-limiter's moving window (the limits package's two scripts), on its own keys only
RATELIMIT = ("lindex", "lpush", "ltrim", "expire")
RATELIMIT_SCRIPTS = ("moving_window.lua", "acquire_moving_window.lua")


def _sha(text: bytes) -> str:
    return hashlib.sha1(text).hexdigest()  # noqa: S324 - Redis's name for a script


def _ours(names: tuple[str, ...]) -> list[str]:
    """EVALSHA (or EVALSHA_RO, for a script flagged no-writes) of each of our scripts."""
    out = []
    for name in names:
        body = scripts.source(name)
        verb = "evalsha_ro" if body.startswith("#!lua flags=no-writes") else "evalsha"
        out.append(f"{verb}|{_sha(body.encode())}")
    return out


def _limiter(names: tuple[str, ...]) -> list[str]:
    """EVALSHA of the rate limiter's scripts, as the installed limits package sends them."""
    folder = Path(limits.__file__).parent / "resources" / "redis" / "lua_scripts"
    return [f"evalsha|{_sha((folder / name).read_bytes())}" for name in names]


def allowed(user: str) -> set[str]:
    """The commands `user` may send (ACL names: script|load, evalsha|<sha>)."""
    base = {*CONNECTION, *CLUSTER, *SCRIPT_LOAD}
    if user == "lb-bridge":
        return base | set(BRIDGE) | set(_ours(BRIDGE_SCRIPTS))
    if user == "lb-web":
        return (
            base
            | set(WEB)
            | set(_ours(WEB_SCRIPTS))
            | set(ECHO)
            | set(_ours(ECHO_SCRIPTS))
            | set(RATELIMIT)
            | set(_limiter(RATELIMIT_SCRIPTS))
        )
    raise KeyError(user)


def _plus(commands) -> str:
    return " ".join(f"+{c}" for c in commands)


def rules(prefix: str = DEFAULT_PREFIX) -> dict[str, str]:
    keys = Keys(prefix)
    base = _plus((*CONNECTION, *CLUSTER, *SCRIPT_LOAD))
    # Redis 7 selectors: these commands on these keys only (a command passes if the root
    # rules or one selector allow it, scripts' commands one by one): the echo writes board
    # values and names and cannot delete, rename, expire or replace a key; the limiter
    # writes its own lists
    echo = (
        f"(%RW~{keys.boards_prefix}* %RW~{keys.names_prefix}* resetchannels -@all "
        f"{_plus((*ECHO, *_ours(ECHO_SCRIPTS)))})"
    )
    ratelimit = (
        f"(%RW~{keys.ratelimit}* resetchannels -@all "
        f"{_plus((*RATELIMIT, *_limiter(RATELIMIT_SCRIPTS)))})"
    )
    return {
        "lb-bridge": (
            f"resetkeys %RW~{prefix}* resetchannels &{keys.events} -@all {base} "
            f"{_plus((*BRIDGE, *_ours(BRIDGE_SCRIPTS)))}"
        ),
        "lb-web": (
            f"resetkeys %R~{prefix}* resetchannels &{keys.events} -@all {base} "
            f"{_plus((*WEB, *_ours(WEB_SCRIPTS)))} {echo} {ratelimit}"
        ),
        "lb-admin": "~* &* +@all",
        "default": "off -@all",
    }


def passwords_from_env(env: dict[str, str] | None = None) -> dict[str, str] | None:
    """The three passwords, or None when none is set (no ACL: a development server)."""
    env = dict(os.environ if env is None else env)
    found = {user: env.get(var, "") for user, var in PASSWORD_VARS.items()}
    if not any(found.values()):
        return None
    missing = [PASSWORD_VARS[u] for u, p in found.items() if not p]
    if missing:
        raise ValueError(
            f"set all of the Redis ACL passwords or none; missing {', '.join(missing)}"
        )
    for user, password in found.items():
        if len(password) < 16 or any(c.isspace() for c in password):
            raise ValueError(f"{PASSWORD_VARS[user]} must be at least 16 characters, no spaces")
    return found


def acl_lines(passwords: dict[str, str], prefix: str = DEFAULT_PREFIX) -> list[str]:
    lines = []
    for user, rule in rules(prefix).items():
        secret = f" >{passwords[user]}" if user in passwords else ""
        state = "" if user == "default" else " on"
        lines.append(f"user {user}{state}{secret} {rule}")
    return lines


def write_aclfile(path: Path, passwords: dict[str, str], prefix: str = DEFAULT_PREFIX) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text("\n".join(acl_lines(passwords, prefix)) + "\n")
    return path
