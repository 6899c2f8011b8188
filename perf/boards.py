"""The boards section of `leaderboard bench`: the cost of many boards, each figure against the
same run's global-only baseline (issue "Boards I").

Four boards that all accept a `ranked` session: global (all-time sum), weekly (global weekly
sum), ranked-daily-best, ranked-best (all-time best). Its own database, lb_bench_boards, so
the other sections keep measuring the single board.
  seed      lb.seed with the four boards against lb.seed with global only, in fresh databases,
            alternating; then the Redis index of all four built from scratch
  memory    Redis bytes per member of each board-period, as MB per 1M members
  write     pgbench on lb.submit_score('ranked') with the three extra boards enabled against
            disabled (global only), alternating pairs, a bridge running in both
  lag       propagation lag at the lag rate with all four boards
  sql_rank  lb.player_rank on each board at a fixed rate, Redis not involved, settled
  http      GET top and rank of each board at the open-loop rate with hey, p99 against
            global's (rounds alternate boards; medians), checked with perf.httpload
  backfill  lb.create_board(..., backfill => true) of two boards over the whole log, and
            the memory each adds: an extra 1M-player board-period, shared and earliest ties
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from typing import TYPE_CHECKING, Any

import psycopg

from leaderboard import logs, sqlapi
from leaderboard.index.rebuild import rebuild_all
from leaderboard.index.writer import IndexWriter
from perf import hey, httpload, pgbench, targets, writes

if TYPE_CHECKING:
    from perf.suite import Bench

log = logs.get("bench.boards")

DATABASE = "lb_bench_boards"
GLOBAL_ONLY = "lb_bench_global"
EXTRA_BOARDS: dict[str, dict[str, Any]] = {
    "weekly": {"reset": "weekly"},
    "ranked-daily-best": {"game_mode": "ranked", "reset": "daily", "aggregate": "best"},
    "ranked-best": {"game_mode": "ranked", "aggregate": "best"},
}
TARGETS = targets.BOARDS


def run(bench: Bench) -> dict[str, Any]:
    s = bench.scale
    url = bench.url_of(DATABASE)
    result: dict[str, Any] = {"boards": ["global", *EXTRA_BOARDS], "targets": TARGETS}
    result["seed"] = _seed(bench, url)
    result["index"] = _index(bench, url)
    result["memory"] = _memory(bench)
    bench.settle(url)
    result["write"] = _write(bench, url)
    bench.settle(url)
    bridge = bench.start_bridge(url)
    try:
        time.sleep(1)
        result["lag"] = writes.lag(bench, bridge, url, "submit_ranked")
    finally:
        bridge.close()
    bench.settle(url)  # as every section starts: the writes above leave dead versions behind
    result["sql_rank"] = {
        board: pgbench.run(
            url,
            "rank_board",
            name=f"rank on {board}",
            clients=4,
            threads=2,
            seconds=max(1, s.open_seconds // 2),
            rate=s.fallback_rate,
            defines={"players": s.users, "board": board},
        ).summary()
        for board in ("global", *EXTRA_BOARDS)
    }
    bench.settle(url)
    result["http"] = _http(bench, url)
    result["backfill"] = _backfill(bench, url)
    return result


def _seed(bench: Bench, url: str) -> dict[str, Any]:
    """Fresh databases, alternating; the last four-board seed stays for the other steps."""
    s = bench.scale
    rounds = []
    for n in range(s.seed_rounds):
        times = {}
        for database, boards in ((GLOBAL_ONLY, {}), (DATABASE, EXTRA_BOARDS)):
            target = bench.fresh_database(database)
            with psycopg.connect(target, autocommit=True) as conn:
                for board, fields in boards.items():
                    sqlapi.create_board(conn, board, **fields)
                conn.execute("checkpoint")
                log.info("seed_boards", round=n + 1, database=database, boards=1 + len(boards))
                started = time.perf_counter()
                sqlapi.seed(conn, s.users, s.sessions, 0.42)
                times[database] = time.perf_counter() - started
        rounds.append(
            {
                "global_only_s": round(times[GLOBAL_ONLY], 2),
                "four_boards_s": round(times[DATABASE], 2),
                "ratio": round(times[DATABASE] / times[GLOBAL_ONLY], 3),
            }
        )
    with psycopg.connect(url, autocommit=True) as conn:
        entries = dict(
            conn.execute(
                "select b.board_id, count(*) from lb.board_entries e"
                " join lb.boards b using (board_no) group by 1"
            ).fetchall()
        )
        conn.execute("vacuum analyze lb.board_entries")
    return {
        "rounds": rounds,
        "median_ratio": statistics.median(r["ratio"] for r in rounds),
        "entries": entries,
        "command": _seed_command(s.users, s.sessions),
    }


def _seed_command(users: int, sessions: int) -> str:
    created = ", ".join(EXTRA_BOARDS)
    call = f"lb.seed({users}, {sessions}, 0.42)"
    shown = f"select * from {call}"  # noqa: S608 - shown in the report, never executed
    return f"{shown} in a fresh database with global only / with {created} created"


def _index(bench: Bench, url: str) -> dict[str, Any]:
    bench.clear_redis()
    started = time.perf_counter()
    built = rebuild_all(bench.connector(url), IndexWriter(bench.redis(), bench.keys))
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "members": {b.board: b.members for b in built if b is not None},
        "command": "leaderboard.index.rebuild.rebuild_all on an empty Redis (every board)",
    }


def _memory(bench: Bench) -> dict[str, Any]:
    """MEMORY USAGE of every board-period's keys (the set, and the ties hash on earliest
    boards), per member, scaled to 1M members."""
    client = bench.redis()
    out: dict[str, Any] = {}
    for board in ("global", *EXTRA_BOARDS):
        fields = client.hkeys(bench.keys.board_meta(board))
        periods = [f.decode()[2:] for f in fields if f.startswith(b"n:")]
        total_bytes = total_members = 0
        sizes = []
        for period in periods:
            members = client.zcard(bench.keys.scores(board, period))
            used = client.memory_usage(bench.keys.scores(board, period), samples=0) or 0
            used += client.memory_usage(bench.keys.ties(board, period), samples=0) or 0
            total_bytes += used
            total_members += members
            sizes.append(members)
        out[board] = {
            "periods": len(periods),
            # the target is about 1M-player board-periods; smaller ones cost more per member
            # (a sorted set's hash table has a power-of-two size: 555k members get the same
            # 2^20 slots as 1M), so only the largest period says whether it is met
            "largest_period_members": max(sizes, default=0),
            "smallest_period_members": min(sizes, default=0),
            "members": total_members,
            "mb": round(total_bytes / 1e6, 1),
            "mb_per_million_members": round(total_bytes / max(1, total_members), 1)
            if total_members
            else None,
        }
    client.close()
    return {
        "boards": out,
        "command": "MEMORY USAGE <board-period set> SAMPLES 0 (+ its ties hash), summed per"
        " board, divided by ZCARD; bytes per member = MB per 1M members",
    }


def _write(bench: Bench, url: str) -> dict[str, Any]:
    """The same pgbench run with the three extra boards enabled and disabled (global only),
    in alternating pairs, a bridge propagating in both."""
    s = bench.scale
    common = writes.write_load(bench)
    pairs = []
    bridge = bench.start_bridge(url)
    try:
        for n in range(s.pairs):
            tps = {}
            for enabled in (False, True):
                with psycopg.connect(url, autocommit=True) as conn:
                    for board in EXTRA_BOARDS:
                        sqlapi.update_board(conn, board, enabled=enabled)
                time.sleep(1)
                label = "four boards" if enabled else "global only"
                log.info("boards_write_pair", pair=n + 1, of=s.pairs, boards=label)
                run = pgbench.run(url, "submit_ranked", name=label, **common)
                tps[enabled] = run
            pairs.append(
                {
                    "global_only_tps": round(tps[False].tps),
                    "four_boards_tps": round(tps[True].tps),
                    "ratio": round(tps[True].tps / tps[False].tps, 3),
                }
            )
    finally:
        bridge.close()
    return {
        "pairs": pairs,
        "median_ratio": round(statistics.median(p["ratio"] for p in pairs), 3),
        "command": "(bridge running; the three extra boards disabled, then enabled, with"
        " lb.update_board) " + tps[True].command,
    }


def _http(bench: Bench, url: str) -> dict[str, Any]:
    """GET /api/boards/<board>/top and /rank/<player> at the open-loop rate, measured with
    hey (Go: a Python client on the same two cores measures itself as much as the server),
    rank over ten random players at once; each board in turn, rounds alternating the order
    (the machine drifts; a board measured only after another would carry the drift). Then
    one round of perf.httpload with a random player per request, as the check on hey."""
    s = bench.scale
    boards = ("global", *EXTRA_BOARDS)
    seconds = max(1, s.open_seconds // 2)
    warm = 1 if seconds <= 2 else 2  # the small scale checks the harness, quickly
    rng = random.Random(11)
    bridge = bench.start_bridge(url)
    web, base = bench.start_web(url)
    p99s: dict[str, dict[str, list[float]]] = {b: {"top": [], "rank": []} for b in boards}
    runs: dict[str, dict[str, Any]] = {}
    checked: dict[str, dict[str, Any]] = {}
    try:
        for n in range(s.http_rounds):
            for board in boards if n % 2 == 0 else reversed(boards):
                targets = {
                    "top": [f"{base}/api/boards/{board}/top"] * 10,
                    "rank": [
                        f"{base}/api/boards/{board}/rank/{rng.randint(1, s.users)}"
                        for _ in range(10)
                    ],
                }
                for name, urls in targets.items():
                    log.info("boards_http", round=n + 1, board=board, endpoint=name)
                    hey.run_many(urls[:2], rate=s.open_rate, seconds=warm)
                    run = hey.run_many(urls, rate=s.open_rate, seconds=seconds)
                    if set(run["statuses"]) - {"200"}:
                        raise RuntimeError(f"GET {name} on {board}: {run['statuses']}")
                    p99s[board][name].append(run["latency_ms"]["p99"])
                    runs.setdefault(board, {})[name] = run
        for board in boards:
            for name, endpoints in httpload.board_reads(board, s.users).items():
                httpload.warm_up(base, endpoints, s.open_rate, seconds=warm)
                result = asyncio.run(
                    httpload.open_loop(base, endpoints, rate=s.open_rate, seconds=seconds)
                ).summary()
                checked.setdefault(board, {})[name] = {
                    "latency_ms": result["endpoints"].get(name, {}).get("latency_ms", {}),
                    "errors": result["errors"],
                    "statuses": result["statuses"],
                }
    finally:
        web.close()
        bridge.close()
    medians = {b: {k: statistics.median(v) for k, v in e.items()} for b, e in p99s.items()}
    return {
        "server": "leaderboard web, its defaults",
        "rate": s.open_rate,
        "seconds": seconds,
        "p99_ms_rounds": p99s,
        "p99_ms_median": medians,
        "p99_ratio_to_global": {
            b: {k: round(v / medians["global"][k], 3) for k, v in e.items()}
            for b, e in medians.items()
        },
        "last_round": runs,
        "httpload": checked,
        "command": next(iter(runs.values()))["rank"]["command"]
        + f" (rank: ten random players; top: its one URL ten times), after 2 s of warm-up,"
        f" {s.http_rounds} rounds alternating the boards' order",
        "httpload_command": f"perf.httpload.open_loop(rate={s.open_rate}, seconds={seconds}),"
        " a random player per rank request, one round",
    }


def _backfill(bench: Bench, url: str) -> dict[str, Any]:
    """Two more all-time boards over every session, each filled from the log in one
    transaction (what `lb.create_board(..., backfill => true)` costs, submits waiting
    meanwhile), then the index: an extra 1M-player board-period, with shared ties and with
    earliest ties (which add a tie time to each member and a hash beside the set)."""
    out: dict[str, Any] = {}
    for board, tie in (("everything", "shared"), ("everything-first", "earliest")):
        with psycopg.connect(url, autocommit=True) as conn:
            started = time.perf_counter()
            sqlapi.create_board(conn, board, tie_break=tie, backfill=True)
            seconds = time.perf_counter() - started
            entries, global_entries = conn.execute(
                "select count(*) filter (where b.board_id = %s),"
                " count(*) filter (where b.board_id = 'global')"
                " from lb.board_entries e join lb.boards b using (board_no)",
                (board,),
            ).fetchone()
        before = bench.redis().info("memory")["used_memory"]
        started = time.perf_counter()
        rebuild_all(bench.connector(url), IndexWriter(bench.redis(), bench.keys))
        index_s = time.perf_counter() - started
        after = bench.redis().info("memory")["used_memory"]
        out[tie] = {
            "board": board,
            "seconds": round(seconds, 2),
            "entries": entries,
            "global_entries": global_entries,
            "index_rebuild_all_s": round(index_s, 2),
            "used_memory_growth_mb": round((after - before) / 1e6, 1),
            "memory": _memory_of(bench, board),
            # shown in the report, never executed
            "command": f"select * from lb.create_board('{board}', p_tie_break => '{tie}',"  # noqa: S608
            " p_backfill => true)",
        }
    with psycopg.connect(url, autocommit=True) as conn:
        for board in ("everything", "everything-first"):
            sqlapi.delete_board(conn, board)
    return out


def _memory_of(bench: Bench, board: str) -> dict[str, Any]:
    client = bench.redis()
    key = bench.keys.scores(board, "all")
    members = client.zcard(key)
    used = (client.memory_usage(key, samples=0) or 0) + (
        client.memory_usage(bench.keys.ties(board, "all"), samples=0) or 0
    )
    client.close()
    return {
        "members": members,
        "mb": round(used / 1e6, 1),
        "mb_per_million_members": round(used / max(1, members), 1) if members else None,
    }
