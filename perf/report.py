"""The benchmark report: report.md (tables, each number with its target and its command) and
PNG plots (latency distributions, the bridge's memory over the soak)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from perf import targets


def write(results: dict[str, Any], raw: dict[str, Any], out: Path) -> None:
    (out / "report.md").write_text(markdown(results))
    plots(raw, out)


def _fmt(value: Any, suffix: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        value = f"{value:,.2f}".rstrip("0").rstrip(".")
    elif isinstance(value, int):
        value = f"{value:,}"
    return f"{value}{suffix}"


FLAT_MB = targets.SOAK_FLAT_MB


def _cpu(percent: dict[str, float | None] | None) -> str:
    """Redis, bridge, backend CPU as "8.5 / 4.6 / 6.8" ("?" where a server is not local)."""
    if not percent:
        return "-"
    names = ("redis", "bridge", "bridge_backend")
    return " / ".join("?" if percent.get(n) is None else f"{percent[n]}" for n in names)


def _flat(soak: dict[str, Any]) -> bool | None:
    growth = soak.get("second_half_growth_mb")
    return None if growth is None else growth <= FLAT_MB


def _at_most(value: float | None, limit: float) -> bool:
    """Met only with a value: no measurement (or a quantile past the last bucket) is not."""
    return value is not None and value <= limit


def _verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("met" if ok else "**not met**")


def _http(h: dict[str, Any]) -> list[str]:
    sv, c = h["servers"], h["closed_loop_32"]
    lines = [
        "## HTTP",
        "",
        f"Server: {h['server']}.",
        "",
        "### Which server: gunicorn gthread against granian, same workers and threads",
        "",
        "Closed loop, 32 connections (wrk), rounds alternating which server goes first; "
        "medians (rounds in brackets):",
        "",
        "| Endpoint | gunicorn req/s | granian req/s | granian / gunicorn |",
        "| --- | --- | --- | --- |",
    ]
    for name in c:
        g, n = sv["gunicorn"][name], sv["granian"][name]
        lines.append(
            f"| {name} | {_fmt(round(g['median_requests_per_s']))} "
            f"({', '.join(_fmt(round(v)) for v in g['requests_per_s_rounds'])}) | "
            f"{_fmt(round(n['median_requests_per_s']))} "
            f"({', '.join(_fmt(round(v)) for v in n['requests_per_s_rounds'])}) | "
            f"{sv['speedup'][name]}x |"
        )
    lines += [
        "",
        f"The original's load test (60% submit, 25% top, 15% rank), 50 clients, closed loop "
        f"(`{sv['mix_command']}`), p99 ms, median of rounds:",
        "",
        "| Endpoint | gunicorn p99 | granian p99 | granian at or below |",
        "| --- | --- | --- | --- |",
    ]
    for name, ep in sv["granian"]["original_mix_closed_50"]["endpoints"].items():
        before = sv["gunicorn"]["original_mix_closed_50"]["endpoints"][name]["p99_ms"]
        lines.append(
            f"| {name} | {_fmt(before)} | {_fmt(ep['p99_ms'])} | "
            f"{_verdict(ep['p99_ms'] <= before)} |"
        )
    errors = {
        n: sv[n]["original_mix_closed_50"]["errors"] or "none" for n in ("gunicorn", "granian")
    }
    lines += [
        "",
        f"Errors: gunicorn {errors['gunicorn']}, granian {errors['granian']}.",
        "",
        "### Throughput against the original",
        "",
        "The original as measured on this machine (issue 12: its own repository, Express + "
        "Prisma + ioredis, its own seed at 1M players), wrk -c32:",
        "",
        "| Endpoint | The original req/s | Target | Measured req/s (median) | Verdict |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, ep in c.items():
        if ep["original_requests_per_s"] is None:
            continue
        lines.append(
            f"| {name} | {_fmt(ep['original_requests_per_s'])} | "
            f">= {_fmt(ep['target_requests_per_s'])} | "
            f"{_fmt(round(ep['median_requests_per_s']))} | "
            f"{_verdict(ep['median_requests_per_s'] >= ep['target_requests_per_s'])} |"
        )
    lines += ["", "Commands: " + "; ".join(f"`{ep['command']}`" for ep in c.values()), ""]
    for title, key in (
        ("Latency at a fixed rate, settled database", "open_loop"),
        ("Latency at a fixed rate while writes go on", "under_writes"),
    ):
        section = h[key]
        lines += [f"### {title}", "", f"`{section['command']}`", ""]
        if key == "under_writes":
            bg = section["background"]
            lines += [
                f"Background: {_fmt(bg['tps'])} submits/s achieved, {bg['failed']} failed, "
                f"pgbench p99 {_fmt(bg['latency_ms'].get('p99'), ' ms')}.",
                "",
            ]
        lines += [
            "| Endpoint | Rate | hey p50 / p99 ms | httpload p50 / p99 ms | Generators agree "
            "| Errors | Target p99 | Verdict |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name in ("top", "rank", "submit"):
            m = section[name]
            hey_lat = m["hey"]["latency_ms"]
            ours = m["httpload"]["endpoints"].get(name, {}).get("latency_ms", {})
            worst = max(v for v in m["p99_ms"].values() if v is not None)
            lines.append(
                f"| {name} | {_fmt(m['rate'])}/s | {_fmt(hey_lat.get('p50'))} / "
                f"{_fmt(hey_lat.get('p99'))} | {_fmt(ours.get('p50'))} / {_fmt(ours.get('p99'))}"
                f" | {'yes' if m['generators_agree'] else '**no**'} | {m['errors']} | "
                f"{m['target_p99_ms']} ms | "
                f"{_verdict(worst <= m['target_p99_ms'] and m['errors'] == 0)} |"
            )
        lines += [
            "",
            "The verdict takes the worse of the two generators' p99s; they agree when within "
            "2 ms or 50% of each other.",
            "",
        ]
    fb = h["redis_down_rank"]
    lat = fb["endpoints"].get("rank", {}).get("latency_ms", {})
    errors_fb = sum(fb["errors"].values())
    lines += [
        f"Redis down, rank from PostgreSQL (source `{fb['source']}`) at "
        f"{_fmt(fb['target_rate'])} requests/s: p50 {lat.get('p50')} ms, p99 {lat.get('p99')} "
        f"ms, {errors_fb} errors (target p99 <= {targets.FALLBACK_P99_MS_MAX} ms: "
        f"{_verdict(_at_most(lat.get('p99'), targets.FALLBACK_P99_MS_MAX) and errors_fb == 0)}).",
        "",
    ]
    return lines


def markdown(r: dict[str, Any]) -> str:
    m = r["machine"]
    lines = [
        f"# Benchmark report ({r['scale']['name']} scale)",
        "",
        f"`{r['command']}`, {r.get('seconds', '?')} s in all. Machine: {m['cpus']} cores "
        f"({m['cpu_model']}), {m['memory_gb']} GB, {m['postgres']}, {m['redis']}, Python "
        f"{m['python']}; {m['note']}.",
        f"Reproduce: `{r['command']}` (`make bench SCALE={r['scale']['name']}` starts local "
        "PostgreSQL and Redis for it). Each of the write, HTTP and memory sections starts "
        "after `VACUUM (ANALYZE)` and `CHECKPOINT`, so one section's cleanup does not run "
        "through the next.",
        "",
    ]
    if r["scale"]["name"] != "full":
        lines += [
            "At this scale the run checks that the harness works; its verdicts compare "
            "figures a small database cannot reach, and mean something only at full scale "
            "(`make bench SCALE=full`).",
            "",
        ]
    if "seed" in r:
        s = r["seed"]
        lines += [
            "## Seeding",
            "",
            "| What | Result | Target | Verdict |",
            "| --- | --- | --- | --- |",
            f"| plain reference load (same run, median of {len(s.get('rounds', [1]))}) | "
            f"{_fmt(s['reference_load_s'], ' s')} | | |",
            f"| `lb.seed` ({_fmt(s['seeded']['users_created'])} players, "
            f"{_fmt(s['seeded']['sessions_created'])} sessions, durable) | "
            f"{_fmt(s['lb_seed_s'], ' s')} | <= {targets.SEED_RATIO_MAX}x reference | "
            f"{_verdict(s['ratio'] <= targets.SEED_RATIO_MAX)} (median ratio {s['ratio']}x; pairs "
            + ", ".join(f"{r['ratio']}x" for r in s.get("rounds", []))
            + ") |",
            f"| Redis index build ({_fmt(s['redis_index_players'])} players) | "
            f"{_fmt(s['redis_index_s'], ' s')} | <= {targets.INDEX_BUILD_S_MAX} s | "
            f"{_verdict(s['redis_index_s'] <= targets.INDEX_BUILD_S_MAX)} |",
            "",
            f"Commands: reference `{s['commands']['reference']}`; ours "
            f"`{s['commands']['ours']}`; index `{s['commands']['redis_index']}`.",
            "",
        ]
    if "write" in r:
        w = r["write"]
        lines += [
            "## Write path",
            "",
            f"pgbench, 8 clients, 2 threads, `synchronous_commit={w['synchronous_commit']}`. "
            "Baseline: `lb.submit_score` minus its wake-up hint, bridge stopped. Candidate: "
            "`lb.submit_score` with the bridge running and propagating to Redis.",
            "",
            "| Pair | Baseline TPS | lb.submit_score TPS | Ratio | Propagation CPU: Redis, "
            "bridge, its backend (% of a core) |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {n} | {_fmt(p['baseline_tps'])} | {_fmt(p['submit_tps'])} | {p['ratio']} | "
            f"{_cpu(p.get('propagation_cpu_percent'))} |"
            for n, p in enumerate(w["pairs"], start=1)
        ]
        lag = w["lag"]
        lines += [
            "",
            f"Median ratio **{w['median_ratio']}** (target >= {targets.WRITE_RATIO_MIN}: "
            f"{_verdict(w['median_ratio'] >= targets.WRITE_RATIO_MIN)}). For comparison, one "
            "NOTIFY per submit: "
            f"{_fmt(w['notify_every_submit']['tps'])} TPS ({w['notify_every_submit']['ratio']} "
            "of the baseline).",
            "",
            f"Propagation lag at {_fmt(lag['rate'])} submits/s for {lag['seconds']} s "
            f"({_fmt(lag['changes'])} changes): p50 <= {_fmt(lag['p50_ms_upper_bound'], ' ms')}, "
            f"p99 <= {_fmt(lag['p99_ms_upper_bound'], ' ms')}, p99.9 <= "
            f"{_fmt(lag['p999_ms_upper_bound'], ' ms')} (bounds of the bridge's lag histogram "
            f"buckets, counted over this run only). Target p99 <= {targets.LAG_P99_MS_MAX} ms: "
            f"{_verdict(_at_most(lag['p99_ms_upper_bound'], targets.LAG_P99_MS_MAX))}. "
            "Propagation CPU meanwhile "
            "(Redis, bridge, its backend; % of a core): "
            f"{_cpu(lag.get('propagation_cpu_percent'))}.",
            "",
            f"Commands: `{w['commands']['baseline']}`; `{w['commands']['submit']}`; "
            f"lag `{lag['command']}`.",
            "",
            "| SQL scenario (pgbench) | TPS | p50 ms | p95 ms | p99 ms |",
            "| --- | --- | --- | --- | --- |",
        ]
        for name, sc in w["sql_scenarios"].items():
            lat = sc["latency_ms"]
            lines.append(
                f"| {name} | {_fmt(round(sc['tps']))} | {lat['p50']} | {lat['p95']} | "
                f"{lat['p99']} |"
            )
        lines.append("")
    if "http" in r:
        lines += _http(r["http"])
    if "memory" in r:
        mem = r["memory"]
        soak = mem["bridge_soak"]
        lines += [
            "## Memory",
            "",
            "| What | Result | Target | Verdict |",
            "| --- | --- | --- | --- |",
            f"| Redis index, sorted set ({_fmt(mem['players'])} players) | "
            f"{_fmt(mem['index_sorted_set_mb'], ' MB')} | <= {targets.INDEX_MB_MAX} MB | "
            f"{_verdict(mem['index_sorted_set_mb'] <= targets.INDEX_MB_MAX)} |",
            f"| usernames beside it | {_fmt(mem['usernames_mb'], ' MB')} | | |",
            f"| Redis used_memory, everything | {_fmt(mem['redis_used_memory_mb'], ' MB')} | | |",
            f"| bridge RSS over {soak['seconds']} s at {soak['submit_rate']} submits/s | "
            f"{_fmt(soak['rss_mb_first'], ' MB')} -> {_fmt(soak['rss_mb_last'], ' MB')} (max "
            f"{_fmt(soak['rss_mb_max'], ' MB')}, slope {_fmt(soak['slope_mb_per_min'])} MB/min; "
            f"second half {_fmt(soak.get('second_half_growth_mb'), ' MB')}) "
            f"| flat: <= {FLAT_MB} MB in the second half | {_verdict(_flat(soak))} |",
            "",
            f"Flat means at most {FLAT_MB} MB of growth over the soak's second half, after "
            f"warm-up: a leak of even 50 bytes per change would add "
            f"{soak['submit_rate'] * soak['seconds'] / 2 * 50 / 1e6:.1f} MB there "
            f"({_fmt(soak['submit_rate'] * soak['seconds'] // 2)} changes).",
            "",
            f"Commands: `{mem['command']}`; soak `{soak['command']}`.",
            "",
        ]
    if "boards" in r:
        lines += _boards(r["boards"])
    if "scaling" in r:
        lines += _scaling(r["scaling"])
    if "sharding" in r:
        lines += _sharding(r["sharding"])
    return "\n".join(lines)


def _sharding(sh: dict[str, Any]) -> list[str]:
    """What the scale-out layer costs per call: the proxy against a shard directly, and a rank
    summed over per-shard sets against one set."""
    p, r = sh["proxy"], sh["redis"]
    lines = [
        "## Sharding",
        "",
        f"Two shards behind a PL/Proxy database on this server, {_fmt(p['players'])} players "
        f"({_fmt(p['shard0_players'])} on shard 0); the same calls on shard 0's players, on "
        "shard 0 directly and through the proxy, alternating.",
        "",
        "| call | shard 0 directly | through the proxy | proxy / direct |",
        "| --- | --- | --- | --- |",
        f"| lb.submit_score TPS, 8 clients (p99) | {_fmt(p['submit_tps']['direct'])} "
        f"({_fmt(p['submit_ms']['direct'].get('p99'), ' ms')}) | {_fmt(p['submit_tps']['proxy'])} "
        f"({_fmt(p['submit_ms']['proxy'].get('p99'), ' ms')}) | {p['submit_ratio']}x |",
        f"| lb.player_rank TPS, 4 clients | {_fmt(p['rank_tps']['direct'])} "
        f"| {_fmt(p['rank_tps']['proxy'])} | {p['rank_ratio']}x |",
        f"| lb.player_rank p50 / p99 at a fixed rate "
        f"| {_fmt(p['rank_ms']['direct'].get('p50'), ' ms')} / "
        f"{_fmt(p['rank_ms']['direct'].get('p99'), ' ms')} | "
        f"{_fmt(p['rank_ms']['proxy'].get('p50'), ' ms')} / "
        f"{_fmt(p['rank_ms']['proxy'].get('p99'), ' ms')} | |",
        "",
        f"Commands: submit `{p['commands']['submit']}`; rank `{p['commands']['rank']}` and "
        f"`{p['commands']['rank_tps']}` (the same against shard 0's database).",
        "",
        f"A rank summed over k per-shard sorted sets ({_fmt(r['members'])} members in all, one "
        "Lua call, ZCOUNT on each set) against one set:",
        "",
        "| sets | calls/s | p50 | p99 | against one set |",
        "| --- | --- | --- | --- | --- |",
    ]
    for point in r["points"]:
        lines.append(
            f"| {point['sets']} | {_fmt(point['rps'])} | {_fmt(point['p50_ms'], ' ms')} "
            f"| {_fmt(point['p99_ms'], ' ms')} | {point['ratio']}x |"
        )
    lines += ["", f"Command (8 sets): `{r['command']}`.", ""]
    return lines


def _scaling(sc: dict[str, Any]) -> list[str]:
    """One row per size: how each cost grows with the number of players, on one node."""
    lines = [
        "## Scaling on one node",
        "",
        "Each size in a fresh database of its own, 5 sessions a player, the global board; no "
        "targets: the curve a capacity plan starts from.",
        "",
        "| players | sessions | seed | database | index build | Redis (used_memory grew; "
        "global set, per player) | SQL rank p50 / p99 (calls/s) | GET rank p50 / p99, hey "
        "(requests) | submit TPS (p99) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for p in sc["points"]:
        sql, rank, submit = p["sql_rank_ms"], p["rank_ms"], p["submit_ms"]
        lines.append(
            f"| {_fmt(p['players'])} | {_fmt(p['sessions'])} | {_fmt(p['seed_s'], ' s')} "
            f"| {_fmt(p['database_mb'], ' MB')} | {_fmt(p['index_s'], ' s')} "
            f"| {_fmt(p['redis_used_mb'], ' MB')}; {_fmt(p['redis_set_mb'], ' MB')}, "
            f"{_fmt(p['redis_bytes_per_player'], ' B')} "
            f"| {_fmt(sql.get('p50'), ' ms')} / {_fmt(sql.get('p99'), ' ms')} "
            f"({_fmt(p['sql_rank_tps'])}) "
            f"| {_fmt(rank.get('p50'), ' ms')} / {_fmt(rank.get('p99'), ' ms')} "
            f"({_fmt(p['rank_requests'])}) "
            f"| {_fmt(p['submit_tps'])} ({_fmt(submit.get('p99'), ' ms')}) |"
        )
    c = sc["commands"]
    lines += [
        "",
        f"Commands (the last size's): seed `{c['seed']}`; index `{c['index']}`; SQL rank "
        f"`{c['sql_rank']}`; GET rank `{c['rank']}`; submit `{c['submit']}`.",
        "",
    ]
    return lines


def _boards(b: dict[str, Any]) -> list[str]:
    t = b["targets"]
    seed, index, write, lag = b["seed"], b["index"], b["write"], b["lag"]
    lines = [
        "## Boards",
        "",
        f"Four boards that all take a `ranked` session: {', '.join(b['boards'])} "
        "(global all-time sum, global weekly sum, ranked daily best, ranked all-time best; "
        "ties shared), in database lb_bench_boards; each ratio against the same run's "
        "global-only figure.",
        "",
        "| What | Result | Target | Verdict |",
        "| --- | --- | --- | --- |",
        "| seed with the four boards / global only (fresh databases, pairs "
        + ", ".join(f"{r['four_boards_s']} / {r['global_only_s']} s" for r in seed["rounds"])
        + f") | {seed['median_ratio']}x | <= {t['seed_ratio_max']}x | "
        f"{_verdict(seed['median_ratio'] <= t['seed_ratio_max'])} |",
        f"| Redis index of all four, from an empty Redis ({_fmt(sum(index['members'].values()))}"
        f" entries) | {_fmt(index['seconds'], ' s')} | <= {t['index_build_s_max']} s | "
        f"{_verdict(index['seconds'] <= t['index_build_s_max'])} |",
        "| `lb.submit_score` TPS, four boards / global only (pairs "
        + ", ".join(f"{p['four_boards_tps']} / {p['global_only_tps']}" for p in write["pairs"])
        + f") | {write['median_ratio']}x | >= {t['write_ratio_min']}x | "
        f"{_verdict(write['median_ratio'] >= t['write_ratio_min'])} |",
        f"| propagation lag at {lag['rate']} submits/s ({_fmt(lag['changes'])} changes) | "
        f"p50 <= {_fmt(lag['p50_ms_upper_bound'], ' ms')}, p99 <= "
        f"{_fmt(lag['p99_ms_upper_bound'], ' ms')} | p99 <= {t['lag_p99_ms_max']} ms | "
        f"{_verdict((lag['p99_ms_upper_bound'] or 1e9) <= t['lag_p99_ms_max'])} |",
    ]
    for board, mem in b["memory"]["boards"].items():
        per = mem["mb_per_million_members"]
        largest = mem.get("largest_period_members")
        # the target is for a 1M-player board-period (within 10%); smaller periods are shown
        # per member with their sizes, and the extra 1M-player board below measures the target
        full = largest is None or largest >= 900_000
        sizes = (
            ""
            if largest is None
            else f"; periods of {_fmt(mem['smallest_period_members'])}-{_fmt(largest)}"
        )
        lines.append(
            f"| Redis per 1M members, {board} ({mem['periods']} periods, "
            f"{_fmt(mem['members'])} members{sizes}, {_fmt(mem['mb'], ' MB')}) | "
            f"{_fmt(per, ' MB')} | "
            + (
                f"<= {t['mb_per_million_max']} MB | "
                f"{_verdict(None if per is None else per <= t['mb_per_million_max'])} |"
                if full
                else "(not a 1M-player period) | - |"
            )
        )
    for board, run in b["sql_rank"].items():
        p99 = run["latency_ms"].get("p99")
        lines.append(
            f"| SQL rank (`lb.player_rank`) on {board}, {run['tps']:.0f} calls/s | "
            f"p50 {_fmt(run['latency_ms'].get('p50'), ' ms')}, p99 {_fmt(p99, ' ms')} | "
            f"p99 <= {t['sql_rank_p99_ms_max']} ms | "
            f"{_verdict(None if p99 is None else p99 <= t['sql_rank_p99_ms_max'])} |"
        )
    http = b.get("http")
    if http:
        lines += _boards_http(http, t["http_p99_ratio_max"])
    for tie, fill in b["backfill"].items():
        per = fill["memory"]["mb_per_million_members"]
        target = t["mb_per_million_max"] if tie == "shared" else None
        lines += [
            f"| backfill of an extra all-time board, {tie} ties, over the whole log "
            f"({_fmt(fill['entries'])} entries; submits wait meanwhile) | "
            f"{_fmt(fill['seconds'], ' s')} | | |",
            f"| Redis for that extra 1M-player board-period, per 1M members ({tie} ties; "
            f"used_memory grew {_fmt(fill['used_memory_growth_mb'], ' MB')}) | "
            f"{_fmt(per, ' MB')} | {'<= ' + str(target) + ' MB' if target else ''} | "
            f"{_verdict(None if target is None or per is None else per <= target)} |",
        ]
    lines += [
        "",
        f"Commands: seed `{seed['command']}`; index `{index['command']}`; write "
        f"`{write['command']}`; lag `{lag['command']}`; SQL rank "
        f"`{next(iter(b['sql_rank'].values()))['command']}` (-D board=...); memory "
        f"`{b['memory']['command']}`; HTTP "
        + (f"`{http['command']}`, checked with `{http['httpload_command']}`" if http else "not run")
        + "; backfill "
        + "; ".join(f"`{f['command']}`" for f in b["backfill"].values())
        + ".",
        "",
    ]
    return lines


def _boards_http(http: dict[str, Any], ratio_max: float) -> list[str]:
    """One row per board and endpoint: the median over rounds of hey's p99 (each round's in
    brackets), its ratio to global's, and perf.httpload's p99 on the same endpoint."""
    lines = []
    for board, by_endpoint in http["p99_ms_median"].items():
        for name, p99 in by_endpoint.items():
            ratio = http["p99_ratio_to_global"][board][name]
            rounds = ", ".join(_fmt(v) for v in http["p99_ms_rounds"][board][name])
            checked = http["httpload"][board][name]["latency_ms"].get("p99")
            target = "" if board == "global" else f"p99 <= {ratio_max}x global's"
            verdict = "" if board == "global" else _verdict(ratio <= ratio_max)
            lines.append(
                f"| GET {name} on {board} at {http['rate']} req/s, hey p99 (rounds {rounds} ms;"
                f" httpload {_fmt(checked, ' ms')}) | {_fmt(p99, ' ms')}, {ratio}x global's |"
                f" {target} | {verdict} |"
            )
    return lines


def plots(raw: dict[str, Any], out: Path) -> None:
    # imported here: matplotlib takes a second to import, and only the report needs it
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    def cdf(series: dict[str, list[float]], title: str, path: Path) -> None:
        fig, ax = plt.subplots(figsize=(8, 4.5))
        for name, values in series.items():
            if not values:
                continue
            ordered = sorted(values)
            n = len(ordered)
            ax.plot(ordered, [i / n for i in range(1, n + 1)], label=name)
        ax.set_xscale("log")
        ax.set_xlabel("latency (ms, log scale)")
        ax.set_ylabel("fraction of requests")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)

    if raw.get("write_latencies"):
        cdf(raw["write_latencies"], "Write path latency (pgbench)", out / "write_latency.png")
    if raw.get("http_latencies"):
        cdf(raw["http_latencies"], "HTTP latency, open loop", out / "http_latency.png")
    if raw.get("rss"):
        fig, ax = plt.subplots(figsize=(8, 3.5))
        ax.plot([t for t, _ in raw["rss"]], [mb for _, mb in raw["rss"]])
        ax.set_xlabel("seconds")
        ax.set_ylabel("bridge RSS (MB)")
        ax.set_title("Bridge memory under a steady submit load")
        ax.grid(True, alpha=0.3)
        fig.tight_layout()
        fig.savefig(out / "bridge_rss.png", dpi=110)
        plt.close(fig)
