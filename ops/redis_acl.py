"""Redis ACL users for the project, with passwords from the environment (never the repo).

  lb-bridge  reads and writes the project's keys (prefix lb:v1:) and publishes events;
             no dangerous commands (FLUSHALL, CONFIG, KEYS, DEBUG, ...)
  lb-web     reads the project's keys and subscribes to events; writes its rate-limit keys
             (lb:v1:ratelimit*), and, for read-your-writes, board values and usernames with
             the commands of the never-backwards echo alone (ZADD, ZREM, HSET, HINCRBY,
             RPUSH, LTRIM, in an ACL selector): it cannot delete, rename, expire or replace
             a key, nor write the cached top 10 as a string
  lb-admin   everything, for operators and tests (FLUSHALL, INFO, ...)
  default    off: every connection must authenticate

`python -m ops redis-acl` prints these as ACL SETUSER commands for a production Redis.
"""

from __future__ import annotations

import os
from pathlib import Path

from leaderboard.index.keys import DEFAULT_PREFIX, Keys

PASSWORD_VARS = {
    "lb-bridge": "LEADERBOARD_REDIS_BRIDGE_PASSWORD",
    "lb-web": "LEADERBOARD_REDIS_WEB_PASSWORD",
    "lb-admin": "LEADERBOARD_REDIS_ADMIN_PASSWORD",
}

# Commands by category; key patterns confine them. %R~ is read-only access, %RW~ read-write.
_COMMON = "+@connection +@transaction +@scripting -@dangerous"


def rules(prefix: str = DEFAULT_PREFIX) -> dict[str, str]:
    ratelimit = Keys(prefix).ratelimit
    # a Redis 7 selector: these commands on these keys only (scripts' commands are checked
    # one by one, so the echo script runs and a raw DEL of a board does not)
    echo = (
        f"(%RW~{Keys(prefix).boards_prefix}* %RW~{Keys(prefix).names_prefix}* -@all "
        "+evalsha +eval +zadd +zrem +hset +hincrby +rpush +ltrim)"
    )
    return {
        "lb-bridge": (
            f"resetkeys %RW~{prefix}* resetchannels &{prefix}* -@all +@read +@write "
            f"+@keyspace +@sortedset +@hash +@string +@pubsub {_COMMON}"
        ),
        "lb-web": (
            f"resetkeys %R~{prefix}* %RW~{ratelimit}* resetchannels &{prefix}* "
            f"-@all +@read +@write +@list +@pubsub {_COMMON} {echo}"
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
