"""The benchmark harness at small scale: every section runs and the report is complete.
No timing assertions: speed is what `make bench SCALE=full` measures, not what tests check."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support.servers import PG, REDIS

pytestmark = pytest.mark.perf


def test_the_small_benchmark_runs_every_section_and_writes_a_complete_report(tmp_path):
    out = tmp_path / "report"
    env = {**os.environ, "DATABASE_URL": PG.url("postgres"), "REDIS_URL": REDIS.url()}
    done = subprocess.run(
        [sys.executable, "-m", "leaderboard", "bench", "--scale", "small", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    results = json.loads((out / "report.json").read_text())

    seed = results["seed"]
    assert seed["seeded"]["users_created"] == 2000
    assert seed["reference_load_s"] > 0
    assert seed["ratio"] > 0
    assert seed["redis_index_players"] == seed["seeded"]["players_ranked"]

    write = results["write"]
    assert write["synchronous_commit"] == "on"
    assert len(write["pairs"]) == 1
    assert all(p["baseline_tps"] > 0 and p["submit_tps"] > 0 for p in write["pairs"])
    assert write["notify_every_submit"]["tps"] > 0
    assert write["lag"]["changes"] > 0
    assert write["lag"]["p99_ms_upper_bound"] is not None
    assert set(write["sql_scenarios"]) == {"rank", "top", "mix"}

    http = results["http"]
    endpoints = {"livez", "top", "rank", "submit"}
    for server in ("gunicorn", "granian"):  # the comparison the choice of server rests on
        measured = http["servers"][server]
        assert all(measured[e]["median_requests_per_s"] > 0 for e in endpoints)
        assert all(measured[e]["non_2xx"] == 0 for e in endpoints)
        mix = measured["original_mix_closed_50"]
        assert set(mix["endpoints"]) == {"submit", "top", "rank"}
        assert mix["errors"] == {}
    assert set(http["servers"]["speedup"]) == endpoints
    assert set(http["closed_loop_32"]) == endpoints
    assert http["closed_loop_32"]["top"]["target_requests_per_s"] == 9150
    for section in ("open_loop", "under_writes"):
        for name in ("top", "rank", "submit"):
            run = http[section][name]
            assert run["errors"] == 0, run
            assert run["hey"]["requests"] > 0
            assert run["httpload"]["requests"] > 0
            assert all(p99 > 0 for p99 in run["p99_ms"].values())
            assert isinstance(run["generators_agree"], bool)
    background = http["under_writes"]["background"]
    assert background["tps"] > 0
    assert background["failed"] == 0
    assert http["redis_down_rank"]["source"] == "postgres"
    assert http["redis_down_rank"]["errors"] == {}
    scaling = results["scaling"]
    assert [p["players"] for p in scaling["points"]] == [1000, 3000]
    for point in scaling["points"]:
        assert point["sessions"] == 5 * point["players"]
        assert 0 < point["index_members"] == point["players_ranked"] <= point["players"]
        for measured in ("redis_set_mb", "redis_bytes_per_player", "rank_requests", "submit_tps"):
            assert point[measured] > 0, measured
        assert point["sql_rank_ms"]["p99"] > 0
        assert point["rank_ms"]["p99"] > 0
    sharding = results["sharding"]
    proxy = sharding["proxy"]
    assert 0 < proxy["shard0_players"] < proxy["players"]
    for where in ("direct", "proxy"):
        assert proxy["submit_tps"][where] > 0
        assert proxy["rank_ms"][where]["p99"] > 0
        assert proxy["rank_tps"][where] > 0
    assert [p["sets"] for p in sharding["redis"]["points"]] == [1, 2, 4, 8]
    assert all(p["rps"] > 0 and p["p99_ms"] > 0 for p in sharding["redis"]["points"])
    report = (out / "report.md").read_text()
    assert "## Sharding" in report
    assert "Scaling on one node" in report
    assert "Which server" in report
    assert "while writes go on" in report

    # the servers are local, so what propagation costs is measured, for every component
    for measured in (write["pairs"][0], write["lag"]):
        cpu = measured["propagation_cpu_percent"]
        assert set(cpu) == {"redis", "bridge", "bridge_backend"}
        assert all(value is not None and value >= 0 for value in cpu.values()), cpu

    memory = results["memory"]
    # the write benchmarks give first scores to more players after the seed
    assert memory["players"] >= seed["seeded"]["players_ranked"]
    assert memory["index_sorted_set_mb"] > 0
    assert memory["bridge_soak"]["rss_mb_max"] > 0
    assert memory["bridge_soak"]["second_half_growth_mb"] is not None

    boards = results["boards"]
    assert set(boards["seed"]["entries"]) == {
        "global",
        "weekly",
        "ranked-daily-best",
        "ranked-best",
    }
    assert boards["seed"]["median_ratio"] > 0
    assert set(boards["index"]["members"]) == set(boards["seed"]["entries"])
    assert all(
        p["four_boards_tps"] > 0 and p["global_only_tps"] > 0 for p in boards["write"]["pairs"]
    )
    assert boards["lag"]["changes"] > 0
    assert all(m["members"] > 0 for m in boards["memory"]["boards"].values())
    assert set(boards["sql_rank"]) == set(boards["seed"]["entries"])
    assert all(r["transactions"] > 0 for r in boards["sql_rank"].values())
    http = boards["http"]
    assert set(http["p99_ms_median"]) == set(boards["seed"]["entries"])
    for board, by_endpoint in http["last_round"].items():
        for name, run in by_endpoint.items():
            # hey reached the app, which answered every request with 200
            assert set(run["statuses"]) == {"200"}, (board, name, run)
            assert run["latency_ms"]["p99"] > 0
            assert run["requests"] > 0
    for board, by_endpoint in http["httpload"].items():
        for name, run in by_endpoint.items():
            assert not run["errors"], (board, name, run)
            assert run["latency_ms"]["p99"] > 0
    assert http["p99_ratio_to_global"]["global"] == {"top": 1.0, "rank": 1.0}
    # a backfilled all-modes all-time board has a value for every player global has
    for fill in boards["backfill"].values():
        assert fill["entries"] == fill["global_entries"] > 0
        assert fill["memory"]["members"] == fill["entries"]

    markdown = (out / "report.md").read_text()
    for heading in (
        "## Seeding",
        "## Write path",
        "## HTTP",
        "## Memory",
        "## Boards",
        "| GET rank on ranked-best at",
        "hey p99 (rounds",
        "Reproduce:",
        "Flat means",
    ):
        assert heading in markdown
    for plot in ("write_latency.png", "http_latency.png", "bridge_rss.png"):
        assert (out / plot).stat().st_size > 5000
