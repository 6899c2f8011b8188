"""The HTTP section of `leaderboard bench`: the serving layer, measured the ways issue 12 asks.

- servers: `leaderboard web` (granian, its defaults) against the gunicorn gthread setup it
  replaced, same workers and threads, in alternating rounds: wrk at 32 connections on
  /livez, top, rank and submit, and the original's 60/25/15 mix with 50 clients. This is
  the measurement the choice of server rests on.
- closed_loop_32: the defaults' wrk figures against the original's, as we measured it.
- open_loop: top, rank and submit at a fixed rate on a settled database, with perf.httpload
  and with hey (Go, independent of our client).
- under_writes: the same reads, and submits at half the rate, while pgbench sends
  lb.submit_score at the open-loop rate in the background and the bridge propagates them:
  a production database is never settled.
- redis_down_rank: ranks from PostgreSQL when Redis is unreachable.

Latencies are reported from both generators; they must agree (perf.httpload shares the two
cores with the server and can measure itself), or the report says they do not.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import threading
from typing import TYPE_CHECKING, Any

from leaderboard import config, logs
from ops.processes import free_port, get_json
from perf import hey, httpload, pgbench, wrk
from perf.targets import OPEN_LOOP_P99_MS, ORIGINAL_RPS, TARGET_FACTOR

if TYPE_CHECKING:
    from perf.suite import Bench, Scale

log = logs.get("bench.serving")

PATHS = {
    "livez": "/livez",
    "top": "/api/leaderboard/top",
    "rank": "/api/leaderboard/rank/{id}",
    "submit": "/api/leaderboard/submit",
}
HEY_PROCESSES = 10


def gunicorn_argv(workers: int, threads: int) -> list[str]:
    """What `leaderboard web` ran before granian (commit 12fef7f), minus its access log."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        "127.0.0.1:{port}",
        "--keep-alive",
        "5",
        "--no-control-socket",
        "web:create_app()",
    ]


def run(bench: Bench) -> dict[str, Any]:
    workers, threads = config.default_web_workers(), config.Settings().web_threads
    bridge = bench.start_bridge(bench.bench_url)
    try:
        web, base = bench.start_web()
        try:
            quiet = open_loop(bench, base)
            under_writes = reads_under_writes(bench, base)
        finally:
            web.close()
        servers = compare_servers(bench, workers, threads)
    finally:
        bridge.close()
    fallback = redis_down_rank(bench)
    ours = servers["granian"]
    closed = {
        name: {
            **ours[name],
            "original_requests_per_s": ORIGINAL_RPS.get(name),
            "target_requests_per_s": (
                round(ORIGINAL_RPS[name] * TARGET_FACTOR[name]) if name in ORIGINAL_RPS else None
            ),
        }
        for name in PATHS
    }
    return {
        "server": f"granian (RSGI, the transport web.server), {workers} workers x {threads} "
        "app threads: `leaderboard web` defaults on this machine, RATE_LIMIT=off",
        "servers": servers,
        "closed_loop_32": closed,
        "open_loop": quiet,
        "under_writes": under_writes,
        "redis_down_rank": fallback,
    }


# -- closed loop: which server ---------------------------------------------------------------


def compare_servers(bench: Bench, workers: int, threads: int) -> dict[str, Any]:
    """wrk on each endpoint and the original's mix, per server, rounds alternating which
    server goes first; medians per server."""
    s = bench.scale
    candidates = {"gunicorn": gunicorn_argv(workers, threads), "granian": None}
    rps: dict[str, dict[str, list[float]]] = {n: {p: [] for p in PATHS} for n in candidates}
    p99: dict[str, dict[str, list[float]]] = {n: {p: [] for p in PATHS} for n in candidates}
    mixes: dict[str, list[dict]] = {n: [] for n in candidates}
    commands: dict[str, str] = {}
    non_2xx: dict[str, dict[str, int]] = {n: dict.fromkeys(PATHS, 0) for n in candidates}
    order = list(candidates)
    for n in range(s.http_rounds):
        for name in order if n % 2 == 0 else reversed(order):
            log.info("http_server", round=n + 1, server=name)
            web, base = bench.start_web(argv=candidates[name])
            try:
                wrk.run(base, PATHS["rank"], s.users, connections=32, seconds=2)  # warm-up
                for endpoint, path in PATHS.items():
                    body = wrk.SUBMIT_BODY if endpoint == "submit" else ""
                    result = wrk.run(
                        base, path, s.users, connections=32, seconds=s.http_seconds, body=body
                    )
                    rps[name][endpoint].append(result["requests_per_s"])
                    p99[name][endpoint].append(result["latency_ms"].get("p99"))
                    non_2xx[name][endpoint] += result["non_2xx"]
                    commands[endpoint] = result["command"]
                mix = asyncio.run(
                    httpload.closed_loop(
                        base,
                        httpload.standard_mix(s.users),
                        concurrency=50,
                        seconds=s.http_seconds * 2,
                    )
                )
                mixes[name].append(mix.summary())
            finally:
                web.close()
    out: dict[str, Any] = {}
    for name in candidates:
        out[name] = {
            endpoint: {
                "requests_per_s_rounds": rps[name][endpoint],
                "median_requests_per_s": statistics.median(rps[name][endpoint]),
                "p99_ms_rounds": p99[name][endpoint],
                "non_2xx": non_2xx[name][endpoint],
                "command": commands[endpoint],
            }
            for endpoint in PATHS
        }
        out[name]["original_mix_closed_50"] = _mix_medians(mixes[name])
    out["gunicorn"]["argv"] = " ".join(candidates["gunicorn"][1:])
    out["granian"]["argv"] = "leaderboard web"
    out["speedup"] = {
        endpoint: round(
            out["granian"][endpoint]["median_requests_per_s"]
            / out["gunicorn"][endpoint]["median_requests_per_s"],
            3,
        )
        for endpoint in PATHS
    }
    out["mix_command"] = (
        f"perf.httpload.closed_loop(standard_mix, concurrency=50, seconds={s.http_seconds * 2})"
    )
    return out


def _mix_medians(rounds: list[dict]) -> dict[str, Any]:
    """The mix's per-endpoint throughput and p99, median over rounds; errors summed."""
    endpoints = sorted({e for r in rounds for e in r["endpoints"]})
    errors: dict[str, int] = {}
    for r in rounds:
        for key, count in r["errors"].items():
            errors[key] = errors.get(key, 0) + count
    return {
        "throughput_rps": statistics.median(r["throughput_rps"] for r in rounds),
        "endpoints": {
            e: {
                "throughput_rps": statistics.median(
                    r["endpoints"][e]["throughput_rps"] for r in rounds if e in r["endpoints"]
                ),
                "p99_ms_rounds": [
                    r["endpoints"][e]["latency_ms"]["p99"] for r in rounds if e in r["endpoints"]
                ],
                "p99_ms": statistics.median(
                    r["endpoints"][e]["latency_ms"]["p99"] for r in rounds if e in r["endpoints"]
                ),
            }
            for e in endpoints
        },
        "errors": errors,
    }


# -- open loop: latency at a fixed rate --------------------------------------------------------


def _warm(s: Scale) -> int:
    return 1 if s.open_seconds <= 2 else 2  # the small scale checks the harness, quickly


def hey_targets(base: str, endpoint: str, players: int, rng: random.Random):
    """HEY_PROCESSES URLs (and bodies, for submit): hey repeats one request, so rank asks
    for ten random players and submit scores ten random players, one per hey process."""
    if endpoint == "top":
        return [base + PATHS["top"]] * HEY_PROCESSES, None
    ids = [rng.randint(1, players) for _ in range(HEY_PROCESSES)]
    if endpoint == "rank":
        return [base + PATHS["rank"].replace("{id}", str(i)) for i in ids], None
    bodies = [f'{{"user_id": {i}, "score": 7, "game_mode": "classic"}}' for i in ids]
    return [base + PATHS["submit"]] * HEY_PROCESSES, bodies


def measure(
    base: str,
    endpoint: str,
    s: Scale,
    rate: int,
    rng: random.Random,
    *,
    raw: dict[str, list[float]] | None = None,
) -> dict:
    """One endpoint at `rate`: hey first, then perf.httpload, each after its warm-up
    (httpload's latencies go to `raw`, for the report's plot)."""
    urls, bodies = hey_targets(base, endpoint, s.users, rng)
    hey.run_many(urls[:2], rate=rate, seconds=_warm(s), bodies=bodies and bodies[:2])
    by_hey = hey.run_many(urls, rate=rate, seconds=s.open_seconds, bodies=bodies)
    endpoints = httpload.only(endpoint, s.users)
    httpload.warm_up(base, endpoints, rate, seconds=_warm(s))
    result = asyncio.run(httpload.open_loop(base, endpoints, rate=rate, seconds=s.open_seconds))
    if raw is not None:
        raw[endpoint] = result.latencies[endpoint]
    ours = result.summary()
    ours_p99 = ours["endpoints"].get(endpoint, {}).get("latency_ms", {}).get("p99")
    hey_p99 = by_hey["latency_ms"].get("p99")
    return {
        "rate": rate,
        "hey": by_hey,
        "httpload": ours,
        "p99_ms": {"hey": hey_p99, "httpload": ours_p99},
        # the generators agree when their p99s are within 2 ms or 50% of each other
        "generators_agree": (
            hey_p99 is not None
            and ours_p99 is not None
            and abs(hey_p99 - ours_p99) <= max(2.0, 0.5 * hey_p99)
        ),
        "target_p99_ms": OPEN_LOOP_P99_MS[endpoint],
        "errors": sum(ours["errors"].values())
        + sum(n for code, n in by_hey["statuses"].items() if not code.startswith("2")),
    }


def open_loop(bench: Bench, base: str) -> dict[str, Any]:
    s = bench.scale
    rng = random.Random(5)
    raw = bench.raw.setdefault("http_latencies", {})
    results = {
        name: measure(base, name, s, s.open_rate, rng, raw=raw)
        for name in ("top", "rank", "submit")
    }
    return {
        **results,
        "command": f"hey: {results['rank']['hey']['command']}; perf.httpload.open_loop("
        f"rate={s.open_rate}, seconds={s.open_seconds}); each after {_warm(s)} s of warm-up",
    }


def reads_under_writes(bench: Bench, base: str) -> dict[str, Any]:
    """GET top and rank at the open-loop rate and POST submit at half of it, while pgbench
    sends lb.submit_score at the open-loop rate and the running bridge propagates it."""
    s = bench.scale
    rng = random.Random(9)
    plan = {"top": s.open_rate, "rank": s.open_rate, "submit": s.open_rate // 2}
    # every measurement: hey's warm-up and run, httpload's warm-up and run; plus a margin
    seconds = len(plan) * 2 * (s.open_seconds + _warm(s)) + 6
    background: dict[str, Any] = {}

    def writes() -> None:
        try:
            background["result"] = pgbench.run(
                bench.bench_url,
                "submit",
                clients=4,
                threads=1,
                seconds=seconds,
                rate=s.open_rate,
                defines={"players": s.users},
            )
        except Exception as exc:  # reported below: a failed background voids the section
            background["error"] = exc

    writer = threading.Thread(target=writes, name="bench-writes", daemon=True)
    writer.start()
    try:
        # pgbench's first second opens connections: measure from the steady state
        writer.join(timeout=3)
        results = {name: measure(base, name, s, rate, rng) for name, rate in plan.items()}
    finally:
        writer.join(timeout=seconds + 60)
    if "error" in background:
        raise RuntimeError(f"background writes failed: {background['error']}")
    pg = background["result"]
    return {
        **results,
        "background": {
            "command": pg.command,
            "tps": round(pg.tps, 1),
            "failed": pg.failed,
            "latency_ms": pg.latency_ms,
        },
        "command": f"({pg.command} in the background, bridge running) hey: "
        f"{results['rank']['hey']['command']}; perf.httpload.open_loop(rate, "
        f"seconds={s.open_seconds})",
    }


def redis_down_rank(bench: Bench) -> dict[str, Any]:
    s = bench.scale
    dead = f"redis://127.0.0.1:{free_port()}/0"
    web, base = bench.start_web(REDIS_URL=dead)
    try:
        probe = get_json(f"{base}/api/leaderboard/rank/1")
        endpoints = httpload.only("rank", s.users)
        httpload.warm_up(base, endpoints, s.fallback_rate, seconds=_warm(s))
        result = asyncio.run(
            httpload.open_loop(base, endpoints, rate=s.fallback_rate, seconds=s.open_seconds)
        )
    finally:
        web.close()
    bench.raw.setdefault("http_latencies", {})["rank (Redis down)"] = result.latencies["rank"]
    return {
        "source": probe.get("source"),
        **result.summary(),
        "command": f"REDIS_URL=<unreachable> perf.httpload.open_loop(rank, rate={s.fallback_rate})",
    }
