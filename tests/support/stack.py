"""A client that keeps writing through the fault-test stack (ops.stack.Stack).

Client: threads submitting over HTTP with an Idempotency-Key per logical write. A write that
gets a 503 OUTCOME_UNKNOWN or loses its connection is retried with the same key until it
gets a definitive answer; one in ten writes is sent once and never retried, so that a
definitive error ("not written") can be checked against the database; one in seven requests
is a client mistake, which must get a 4xx whatever else is failing.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from ops.stack import Stack, request

__all__ = ["Stack", "SubmitStream", "Write", "request"]


@dataclass
class Write:
    key: str
    user_id: int
    score: int
    retried: bool
    statuses: list = field(default_factory=list)
    final: object = None  # 201, 503 code, or None (connection failure) for fire-once writes


class SubmitStream:
    """Writes until stopped; see the module docstring for what it sends."""

    def __init__(self, port: int, players: list[int], threads: int = 4) -> None:
        self.port, self.players = port, players
        self.writes: list[Write] = []
        self.statuses: Counter = Counter()
        self.mistakes: list[tuple[dict, object]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)
        ]

    def __enter__(self) -> SubmitStream:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=90)

    def acknowledged(self) -> int:
        with self._lock:
            return sum(1 for w in self.writes if w.final == 201)

    def _run(self, worker: int) -> None:
        n = 0
        while not self._stop.is_set():
            n += 1
            if n % 7 == 0:
                self._mistake(worker, n)
                continue
            user = self.players[(worker * 7919 + n) % len(self.players)]
            write = Write(
                key=f"w{worker}-{n}-{time.monotonic_ns()}",
                user_id=user,
                score=(n * 37) % 1000,
                retried=n % 10 != 0,
            )
            with self._lock:
                self.writes.append(write)
            self._send(write)
            time.sleep(0.002)

    def _send(self, write: Write) -> None:
        deadline = time.monotonic() + 60
        while True:
            status, body = request(
                self.port,
                "POST",
                "/api/leaderboard/submit",
                {"user_id": write.user_id, "score": write.score},
                headers={"Idempotency-Key": write.key},
            )
            code = body.get("error", {}).get("code") if isinstance(body, dict) else None
            write.statuses.append((status, code))
            with self._lock:
                self.statuses[status] += 1
            definitive = status is not None and (status < 500 or code == "SERVICE_UNAVAILABLE")
            if not write.retried:
                write.final = code if status == 503 else status
                return
            if status == 201 or (definitive and status != 503):
                write.final = status
                return
            # 503 of any kind or a lost connection: retry with the same key
            if time.monotonic() > deadline:
                write.final = ("gave up", status, code)
                return
            time.sleep(0.05)

    def _mistake(self, worker: int, n: int) -> None:
        body = [
            {"user_id": "abc", "score": 1},
            {"user_id": 1, "score": -1},
            {"user_id": 1, "score": 1, "game_mode": "arcade"},
            {"score": 5},
        ][n % 4]
        status, _ = request(self.port, "POST", "/api/leaderboard/submit", body)
        with self._lock:
            self.statuses[status] += 1
            self.mistakes.append((body, status))
