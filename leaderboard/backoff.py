"""The one backoff helper: exponential delays with a cap, optionally with full jitter, that
start afresh once things work again.

Used by the bridge's reconnect loop (jittered, so N bridges that lost PostgreSQL together do
not reconnect in step), the dashboard's event listener in each web worker, and `leaderboard
run`'s restarts of a bridge that exited. Hand-written because each loop runs forever and
resets after a healthy stretch, which retry libraries built around one eventually-successful
call do not model.
"""

from __future__ import annotations

import random


class Backoff:
    """Delays base, 2*base, 4*base ... up to cap; with jitter each is drawn from U(0, that)
    ("full jitter", AWS architecture blog)."""

    def __init__(self, base: float, cap: float, *, jitter: bool = False) -> None:
        self.base, self.cap, self.jitter = base, cap, jitter
        self.attempt = 0

    def next(self) -> float:
        ceiling = min(self.cap, self.base * 2**self.attempt)
        self.attempt += 1
        return random.uniform(0, ceiling) if self.jitter else ceiling  # noqa: S311

    def reset(self) -> None:
        self.attempt = 0

    def after_run(self, ran_for: float, stable_s: float) -> float:
        """The delay before restarting something that stopped after `ran_for` seconds: a run
        of `stable_s` or more counts as healthy, so the delays start afresh."""
        if ran_for >= stable_s:
            self.reset()
        return self.next()
