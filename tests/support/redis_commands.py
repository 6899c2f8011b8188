"""Which Redis commands each ACL user actually sends: MONITOR on an admin connection, with
every line attributed to the user of the connection that sent it (CLIENT LIST), and the
commands a script runs to the user whose EVALSHA ran it (Redis checks those against the
same user's ACL)."""

from __future__ import annotations

import threading
from collections import defaultdict

import redis

# commands named with their subcommand, as ACL rules name them (script|load)
CONTAINERS = {"script", "client", "cluster", "config", "command", "object", "memory", "acl"}
# commands whose first argument ACL rules may name (evalsha|<sha>)
FIRST_ARG = {"evalsha", "evalsha_ro"}


def command_name(words: list[str]) -> str:
    name = words[0].lower()
    if len(words) > 1 and (name in CONTAINERS or name in FIRST_ARG):
        second = words[1] if name in FIRST_ARG else words[1].lower()
        return f"{name}|{second}"
    return name


class CommandRecorder:
    """Records (user, command) while it runs; `by_user()` after `stop()`."""

    def __init__(self, admin_url: str) -> None:
        self.admin = redis.Redis.from_url(admin_url)
        self.listing = redis.Redis.from_url(admin_url)
        self.seen: dict[str, set[str]] = defaultdict(set)
        self.users: dict[str, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._ready = threading.Event()

    def __enter__(self) -> CommandRecorder:
        self._thread.start()
        self._ready.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self.admin.ping()  # a line for the monitor to return on
        self._thread.join(timeout=10)
        self.admin.close()
        self.listing.close()

    def _user_of(self, address: str) -> str:
        if address not in self.users:
            for client in self.listing.client_list():
                self.users[client["addr"]] = client.get("user", "default")
        return self.users.get(address, "?")

    def _run(self) -> None:
        last_script_user = "?"
        with self.admin.monitor() as monitor:
            self._ready.set()
            for line in monitor.listen():
                if self._stop.is_set():
                    return
                # redis-py has unquoted the words and joined them with spaces; the first
                # two (a command and its subcommand or sha) never hold one
                words = (line["command"] or "").split(" ", 2)[:2]
                if not words:
                    continue
                if line.get("client_type") == "lua":
                    self.seen[last_script_user].add(command_name(words))
                    continue
                user = self._user_of(f"{line['client_address']}:{line['client_port']}")
                name = command_name(words)
                if name.startswith("evalsha"):
                    last_script_user = user
                self.seen[user].add(name)

    def by_user(self) -> dict[str, set[str]]:
        return {user: set(names) for user, names in self.seen.items()}
