"""All configuration, from the environment, in one place (README "Configuration" lists it).

PostgreSQL follows libpq conventions: DATABASE_URL, and when it is unset, the PG* variables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from leaderboard.index.keys import DEFAULT_PREFIX


class ConfigError(ValueError):
    """An environment variable has a value we cannot use."""


PROJECT_ROOT = Path(__file__).resolve().parent.parent
# what `make run` and `python -m ops up` started, for commands run in another terminal
SERVICES_FILE = "services.env"
SERVICE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "LEADERBOARD_SHARD_URLS")


def var_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where the project-local servers keep their data (LB_VAR_DIR, default .var)."""
    env = os.environ if env is None else env
    return Path(env.get("LB_VAR_DIR") or PROJECT_ROOT / ".var")


def local_services(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """DATABASE_URL, REDIS_URL (and LEADERBOARD_SHARD_URLS) of the servers `make run` or
    `python -m ops up` started last, from the file they write (it stays when they stop: a
    command then says it cannot connect and how to start them); empty when none ever ran."""
    try:
        text = (var_dir(env) / SERVICES_FILE).read_text()
    except OSError:
        return {}
    found = {}
    for line in text.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        if key in SERVICE_VARIABLES and value:
            found[key] = value
    return found


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _tokens(raw: str) -> tuple[str, ...]:
    tokens = tuple(t.strip() for t in raw.split(",") if t.strip())
    for token in tokens:
        if len(token) < 16:
            raise ConfigError("LEADERBOARD_ADMIN_TOKEN: each token must be at least 16 characters")
    return tokens


def default_web_workers() -> int:
    """One web worker per core this process may run on (at least one, at most 16)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(16, cores))


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    redis_url: str = "redis://127.0.0.1:6379/0"
    host: str = "127.0.0.1"
    port: int = 3001
    refresh_interval_ms: int = 10_000
    log_level: str = "INFO"
    env: str = "production"
    # several, comma-separated, while rotating: the new one and the one being retired
    admin_tokens: tuple[str, ...] = ()
    rate_limit: str = "100/minute"
    redis_prefix: str = DEFAULT_PREFIX
    safety_poll_ms: int = 1_000
    # the bridge's continuous check: this many random members of each board's current
    # period against PostgreSQL, every sample_interval_ms; 0 members turns it off
    sample_size: int = 100
    sample_interval_ms: int = 30_000
    # one server process per core (measured: two workers on two cores serve the cached
    # reads ~1.8x one), each with 16 blocking threads for the app (SSE streams hold one)
    web_workers: int = field(default_factory=default_web_workers)
    web_threads: int = 16
    # the longest a client may take to send a request's headers, and again its body
    # (web.server); a slow client gets 408 or a closed connection, never a thread
    web_read_timeout_ms: int = 10_000
    # how many proxies in front append to X-Forwarded-For (0: none, the peer is the client);
    # the rate limit and the live-stream share count per client address, which behind a
    # proxy is the proxy's unless this says how far back to look
    web_trusted_proxies: int = 0
    # a sharded deployment: DATABASE_URL is the proxy, and `leaderboard run` starts one
    # bridge per shard database listed here, in shard order (README "Sharding")
    shard_urls: tuple[str, ...] = ()
    # who may submit over HTTP: `key`, game servers with a server key (`leaderboard keys`);
    # `open`, anyone, the original's contract, for clients that cannot send one (a key that
    # is sent is still checked and recorded). Unset: `key` in production, `open` in
    # development
    submit_auth: str = ""

    @property
    def development(self) -> bool:
        return self.env == "development"

    @property
    def submit_needs_key(self) -> bool:
        return (self.submit_auth or ("open" if self.development else "key")) == "key"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """From the environment; with no DATABASE_URL set, the servers `make run` started
        (local_services), so that every command works in a second terminal as it is."""
        env = os.environ if env is None else env
        if not env.get("DATABASE_URL"):
            env = {**local_services(env), **{k: v for k, v in env.items() if v}}
        log_level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
        if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {log_level!r}")
        mode = env.get("LEADERBOARD_ENV", "production").strip() or "production"
        if mode not in {"production", "development"}:
            raise ConfigError(f"LEADERBOARD_ENV must be production or development, got {mode!r}")
        submit_auth = env.get("LEADERBOARD_SUBMIT_AUTH", "").strip()
        if submit_auth not in {"", "key", "open"}:
            raise ConfigError(f"LEADERBOARD_SUBMIT_AUTH must be key or open, got {submit_auth!r}")
        return cls(
            submit_auth=submit_auth,
            database_url=env.get("DATABASE_URL", ""),
            redis_url=env.get("REDIS_URL", "") or cls.redis_url,
            host=env.get("HOST", "") or cls.host,
            port=_int(env, "PORT", cls.port, 1, 65535),
            refresh_interval_ms=_int(
                env, "LEADERBOARD_REFRESH_INTERVAL_MS", cls.refresh_interval_ms, 100, 86_400_000
            ),
            log_level=log_level,
            env=mode,
            admin_tokens=_tokens(env.get("LEADERBOARD_ADMIN_TOKEN", "")),
            rate_limit=env.get("RATE_LIMIT", "").strip() or cls.rate_limit,
            redis_prefix=env.get("LEADERBOARD_REDIS_PREFIX", "") or cls.redis_prefix,
            safety_poll_ms=_int(env, "LEADERBOARD_SAFETY_POLL_MS", cls.safety_poll_ms, 10, 60_000),
            sample_size=_int(env, "LEADERBOARD_SAMPLE_SIZE", cls.sample_size, 0, 100_000),
            sample_interval_ms=_int(
                env, "LEADERBOARD_SAMPLE_INTERVAL_MS", cls.sample_interval_ms, 100, 86_400_000
            ),
            web_workers=_int(env, "WEB_WORKERS", default_web_workers(), 1, 64),
            web_threads=_int(env, "WEB_THREADS", cls.web_threads, 1, 256),
            # granian's header timeout takes at most 60 s
            web_read_timeout_ms=_int(
                env, "WEB_READ_TIMEOUT_MS", cls.web_read_timeout_ms, 100, 60_000
            ),
            web_trusted_proxies=_int(env, "WEB_TRUSTED_PROXIES", cls.web_trusted_proxies, 0, 5),
            shard_urls=_urls(env.get("LEADERBOARD_SHARD_URLS", "")),
        )


def _urls(raw: str) -> tuple[str, ...]:
    urls = tuple(u.strip() for u in raw.split(",") if u.strip())
    for url in urls:
        if not url.startswith(("postgresql://", "postgres://")):
            raise ConfigError(
                f"LEADERBOARD_SHARD_URLS must be comma-separated postgresql:// URLs, got {url!r}"
            )
    return urls


@dataclass(frozen=True)
class LocalServices:
    """What `python -m ops` (`make run`, `make bench`, `make schema`) needs to know: whether
    PostgreSQL and Redis are configured (DATABASE_URL, REDIS_URL), and if not, the loopback
    ports of the ones it starts under .var/ (LB_PG_PORT, LB_REDIS_PORT)."""

    database_url: str = ""
    redis_url: str = ""
    pg_port: int = 5433
    redis_port: int = 6380

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LocalServices:
        """A URL that names the local servers themselves (`source ./activate` exports them)
        is not another server: `python -m ops up` in that shell starts them again."""
        env = os.environ if env is None else env
        recorded = local_services(env)

        def configured(name: str) -> str:
            value = env.get(name, "")
            return "" if value and value == recorded.get(name) else value

        return cls(
            database_url=configured("DATABASE_URL"),
            redis_url=configured("REDIS_URL"),
            pg_port=_int(env, "LB_PG_PORT", cls.pg_port, 1, 65535),
            redis_port=_int(env, "LB_REDIS_PORT", cls.redis_port, 1, 65535),
        )


def secret(name: str, env: Mapping[str, str] | None = None) -> str:
    """A secret from the environment variable an operator named (`create-login
    --password-env VAR`), so that it never appears in argv; raises ConfigError if unset."""
    env = os.environ if env is None else env
    value = env.get(name, "")
    if not value:
        raise ConfigError(f"environment variable {name} is empty or unset")
    return value
