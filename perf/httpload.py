"""An async HTTP load generator (aiohttp), bounded in time and in requests.

Two modes:
  open loop    requests start on a fixed schedule (`rate` per second) whatever the server
               does; latency is measured from the scheduled start, so a slow server cannot
               hide its queueing (no coordinated omission).
  closed loop  `concurrency` clients, each sending its next request when the last returns;
               what a throughput test is, and how the original's load test worked.

The default mix is the original's: 60% submit, 25% top, 15% rank.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

from leaderboard import rules
from perf.pgbench import percentiles

Request = tuple[str, str, dict | None]  # method, path, JSON body


@dataclass
class Endpoint:
    name: str
    weight: float
    make: Callable[[random.Random], Request]


def standard_mix(players: int) -> list[Endpoint]:
    return [
        Endpoint(
            "submit",
            60,
            lambda r: (
                "POST",
                "/api/leaderboard/submit",
                {
                    "user_id": r.randint(1, players),
                    "score": r.randint(0, rules.MAX_SCORE),
                    "game_mode": r.choice(["classic", "ranked"]),
                },
            ),
        ),
        Endpoint("top", 25, lambda r: ("GET", "/api/leaderboard/top", None)),
        Endpoint(
            "rank", 15, lambda r: ("GET", f"/api/leaderboard/rank/{r.randint(1, players)}", None)
        ),
    ]


def only(endpoint: str, players: int) -> list[Endpoint]:
    chosen = [e for e in standard_mix(players) if e.name == endpoint]
    if endpoint == "livez":
        chosen = [Endpoint("livez", 1, lambda r: ("GET", "/livez", None))]
    return chosen


def board_reads(board: str, players: int) -> dict[str, list[Endpoint]]:
    """GET top and GET rank of a random player on one board, each on its own."""
    return {
        "top": [Endpoint("top", 1, lambda r: ("GET", f"/api/boards/{board}/top", None))],
        "rank": [
            Endpoint(
                "rank",
                1,
                lambda r: ("GET", f"/api/boards/{board}/rank/{r.randint(1, players)}", None),
            )
        ],
    }


@dataclass
class LoadResult:
    mode: str
    seconds: float
    target_rate: float | None = None
    concurrency: int | None = None
    requests: int = 0
    errors: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def summary(self) -> dict:
        per_endpoint = {
            name: {
                "requests": len(values),
                "throughput_rps": round(len(values) / self.seconds, 1),
                "latency_ms": percentiles(values),
            }
            for name, values in sorted(self.latencies.items())
        }
        return {
            "mode": self.mode,
            "seconds": round(self.seconds, 2),
            "target_rate": self.target_rate,
            "concurrency": self.concurrency,
            "requests": self.requests,
            "throughput_rps": round(self.requests / self.seconds, 1) if self.seconds else 0,
            "errors": dict(self.errors),
            "statuses": {str(k): v for k, v in self.statuses.items()},
            "endpoints": per_endpoint,
        }


async def _send(
    session: aiohttp.ClientSession,
    base: str,
    endpoint: Endpoint,
    rng: random.Random,
    *,
    started: float,
    result: LoadResult,
) -> None:
    method, path, body = endpoint.make(rng)
    try:
        async with session.request(method, base + path, json=body) as response:
            await response.read()
            result.statuses[response.status] += 1
            if response.status >= 500 or response.status == 429:
                result.errors[f"{endpoint.name} {response.status}"] += 1
    except (aiohttp.ClientError, TimeoutError) as exc:
        result.errors[f"{endpoint.name} {type(exc).__name__}"] += 1
        return
    result.latencies[endpoint.name].append((time.perf_counter() - started) * 1000)


def _pick(endpoints: list[Endpoint], rng: random.Random) -> Endpoint:
    return rng.choices(endpoints, weights=[e.weight for e in endpoints])[0]


async def open_loop(
    base: str,
    endpoints: list[Endpoint],
    *,
    rate: float,
    seconds: float,
    max_requests: int | None = None,
    seed: int = 1,
) -> LoadResult:
    rng = random.Random(seed)
    result = LoadResult("open", seconds, target_rate=rate)
    total = int(rate * seconds) if max_requests is None else min(max_requests, int(rate * seconds))
    timeout = aiohttp.ClientTimeout(total=10)
    connector = aiohttp.TCPConnector(limit=512)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        start = time.perf_counter()
        tasks = []
        for i in range(total):
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(
                asyncio.create_task(
                    _send(
                        session, base, _pick(endpoints, rng), rng, started=scheduled, result=result
                    )
                )
            )
        await asyncio.gather(*tasks)
        result.seconds = time.perf_counter() - start
    result.requests = total
    return result


def warm_up(base: str, endpoints: list[Endpoint], rate: float, seconds: float = 2) -> None:
    """A few seconds at the rate about to be measured, discarded: the server's first requests
    open pooled connections and prepare statements, which is start-up, not steady state."""
    asyncio.run(open_loop(base, endpoints, rate=rate, seconds=seconds, seed=7))


async def closed_loop(
    base: str,
    endpoints: list[Endpoint],
    *,
    concurrency: int,
    seconds: float,
    max_requests: int | None = None,
    seed: int = 1,
) -> LoadResult:
    result = LoadResult("closed", seconds, concurrency=concurrency)
    deadline = time.perf_counter() + seconds
    budget = [max_requests if max_requests is not None else float("inf")]
    timeout = aiohttp.ClientTimeout(total=10)
    connector = aiohttp.TCPConnector(limit=concurrency)

    async def client(n: int, session: aiohttp.ClientSession) -> None:
        rng = random.Random(seed * 1000 + n)
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            result.requests += 1
            await _send(
                session,
                base,
                _pick(endpoints, rng),
                rng,
                started=time.perf_counter(),
                result=result,
            )

    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(*(client(n, session) for n in range(concurrency)))
        result.seconds = time.perf_counter() - start
    return result
