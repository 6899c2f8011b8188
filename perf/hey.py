"""Paced HTTP latency with hey (Go, Debian's `hey`): the independent check on perf.httpload,
whose Python client shares the two cores with the server and can measure itself.

hey sends to one URL. `run` asks for one URL; `run_many` spreads a rate over several URLs
(several players, say) with one hey per URL, and takes percentiles over every request of
all of them from hey's per-request CSV."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections import Counter

from ops import packages
from perf.pgbench import percentiles


def run(url: str, *, rate: int, seconds: int, connections: int = 10) -> dict:
    """hey -z SECONDS -c CONNECTIONS -q RATE/CONNECTIONS URL: `rate` requests a second in all
    (-q is per connection)."""
    binary = packages.ensure_program("hey", "hey")
    per_connection = max(1, rate // connections)
    args = [binary, "-z", f"{seconds}s", "-c", str(connections), "-q", str(per_connection), url]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"hey failed: {done.stderr or done.stdout}")
    return {
        "url": url,
        "command": " ".join(["hey", *args[1:]]),
        **parse(done.stdout),
    }


def parse(out: str) -> dict:
    latency = {}
    for label, key in (("50%", "p50"), ("90%", "p90"), ("99%", "p99")):
        match = re.search(rf"{re.escape(label)} in ([\d.]+) secs", out)
        if match:
            latency[key] = round(float(match.group(1)) * 1000, 2)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    statuses = {code: int(n) for code, n in re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)}
    errors = sum(int(n) for n in re.findall(r"\[(\d+)\]\s+\S", _section(out, "Error")))
    return {
        "requests_per_s": float(rate.group(1)) if rate else 0.0,
        "latency_ms": latency,
        "statuses": statuses,
        "errors": errors,
    }


def _section(out: str, title: str) -> str:
    start = out.find(title + " distribution:")
    return "" if start < 0 else out[start:]


def run_many(
    urls: list[str],
    *,
    rate: int,
    seconds: int,
    connections: int = 2,
    bodies: list[str] | None = None,
) -> dict:
    """`rate` requests a second spread evenly over `urls`, one hey process per URL, all at
    once; exact percentiles over all their requests. With `bodies` (one per URL) each hey
    POSTs its body as JSON."""
    binary = packages.ensure_program("hey", "hey")
    per_url = max(1, rate // len(urls))
    per_connection = max(1, per_url // connections)
    posts = bodies or [None] * len(urls)
    procs = [
        subprocess.Popen(
            [
                binary,
                "-z",
                f"{seconds}s",
                "-c",
                str(connections),
                "-q",
                str(per_connection),
                "-o",
                "csv",
                *(["-m", "POST", "-T", "application/json", "-d", body] if body else []),
                url,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for url, body in zip(urls, posts, strict=True)
    ]
    latencies: list[float] = []
    statuses: Counter = Counter()
    for proc in procs:
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"hey failed: {err or out}")
        for row in csv.DictReader(io.StringIO(out)):
            latencies.append(float(row["response-time"]) * 1000)
            statuses[row["status-code"]] += 1
    return {
        "urls": len(urls),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / seconds, 1),
        "latency_ms": percentiles(latencies),
        "statuses": dict(statuses),
        "command": f"{len(urls)} x hey -z {seconds}s -c {connections} -q {per_connection}"
        + (" -m POST -T application/json -d <body>" if bodies else "")
        + " -o csv <url>, at once",
    }
