"""A `leaderboard web` process per module, in production mode, as an attacker meets it: real
sockets, real granian, its own small thread pool (so exhausting it is quick to try) and a
one-second read timeout (so waiting it out is quick too)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ops.processes import Service, free_port, wait_http
from tests.support.servers import ADMIN_TOKEN

READ_TIMEOUT_MS = 1000
THREADS = 4


class Web:
    def __init__(self, service: Service, port: int) -> None:
        self.service = service
        self.port = port
        self.base = f"http://127.0.0.1:{port}"


@pytest.fixture
def web(database_url: str, redis_url: str) -> Iterator[Web]:
    port = free_port()
    service = Service(
        "web",
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "PORT": str(port),
            "WEB_WORKERS": "1",
            "WEB_THREADS": str(THREADS),
            "WEB_READ_TIMEOUT_MS": str(READ_TIMEOUT_MS),
            "LEADERBOARD_ENV": "production",
            "LEADERBOARD_ADMIN_TOKEN": ADMIN_TOKEN,
            "RATE_LIMIT": "off",
            "LEADERBOARD_SUBMIT_AUTH": "open",
            "LOG_LEVEL": "WARNING",
        },
    ).start()
    try:
        wait_http(f"http://127.0.0.1:{port}/livez", timeout=60)
        yield Web(service, port)
    finally:
        service.close()
