"""Run pgbench through subprocess and read its answers: TPS from its summary, latency
percentiles from its per-transaction log (-l), the per-second series from -P 1."""

from __future__ import annotations

import re
import statistics
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ops import postgres

SCRIPTS = Path(__file__).resolve().parent / "pgbench"


@dataclass
class PgbenchResult:
    name: str
    command: str
    tps: float
    transactions: int
    failed: int
    latency_ms: dict[str, float]
    progress: list[dict[str, float]] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list, repr=False)

    def summary(self) -> dict:
        data = asdict(self)
        data.pop("latencies_ms")
        return data


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)

    return {
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": round(ordered[-1], 3),
        "mean": round(statistics.fmean(ordered), 3),
    }


def _argv(
    database_url: str,
    script: str,
    *,
    clients: int,
    threads: int,
    seconds: int,
    rate: int | None,
    defines: dict[str, object] | None,
    log_prefix: str | None = None,
) -> list[str]:
    args = [
        str(postgres.bin_dir() / "pgbench"),
        "-n",
        "-M",
        "prepared",
        "-c",
        str(clients),
        "-j",
        str(threads),
        "-T",
        str(seconds),
    ]
    if log_prefix:
        args += ["-P", "1", "-l", f"--log-prefix={log_prefix}"]
    if rate:
        args += ["-R", str(rate)]
    for key, value in (defines or {}).items():
        args += ["-D", f"{key}={value}"]
    return [*args, "-f", str(SCRIPTS / f"{script}.sql"), database_url]


def background(
    database_url: str,
    script: str,
    *,
    clients: int = 4,
    threads: int = 2,
    seconds: int = 20,
    rate: int | None = None,
    defines: dict[str, object] | None = None,
) -> subprocess.Popen:
    """The same pgbench, started and left running (a steady load while something else is
    measured); its output is discarded."""
    args = _argv(
        database_url,
        script,
        clients=clients,
        threads=threads,
        seconds=seconds,
        rate=rate,
        defines=defines,
    )
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(
    database_url: str,
    script: str,
    name: str | None = None,
    *,
    clients: int = 8,
    threads: int = 2,
    seconds: int = 20,
    rate: int | None = None,
    defines: dict[str, object] | None = None,
) -> PgbenchResult:
    """pgbench -n -M prepared -c -j -T -P 1 -l [-R rate] -f perf/pgbench/<script>.sql"""
    name = name or script
    with tempfile.TemporaryDirectory(prefix="lb-pgbench-") as workdir:
        args = _argv(
            database_url,
            script,
            clients=clients,
            threads=threads,
            seconds=seconds,
            rate=rate,
            defines=defines,
            log_prefix=str(Path(workdir) / "tx"),
        )
        done = subprocess.run(args, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"pgbench {script} failed:\n{done.stderr[-2000:]}")
        latencies = []
        for log in Path(workdir).glob("tx*"):
            for line in log.read_text().splitlines():
                fields = line.split()
                if len(fields) >= 6 and fields[2].isdigit():
                    latencies.append(int(fields[2]) / 1000)
    shown = " ".join(a if a != database_url else "$DATABASE_URL" for a in args[1:])
    shown = re.sub(r" --log-prefix=\S+", "", shown).replace(str(SCRIPTS) + "/", "perf/pgbench/")
    return PgbenchResult(
        name=name,
        command=f"pgbench {shown}",
        tps=float(_find(r"tps = ([\d.]+)", done.stdout)),
        transactions=int(_find(r"number of transactions actually processed: (\d+)", done.stdout)),
        failed=int(_find(r"number of failed transactions: (\d+)", done.stdout, "0")),
        latency_ms=percentiles(latencies),
        progress=_progress(done.stderr),
        latencies_ms=latencies,
    )


def _find(pattern: str, text: str, default: str | None = None) -> str:
    match = re.search(pattern, text)
    if match:
        return match.group(1)
    if default is not None:
        return default
    raise RuntimeError(f"pgbench output has no {pattern!r}:\n{text[-1000:]}")


def _progress(stderr: str) -> list[dict[str, float]]:
    series = []
    for match in re.finditer(r"progress: ([\d.]+) s, ([\d.]+) tps, lat ([\d.]+) ms", stderr):
        series.append(
            {
                "t": float(match.group(1)),
                "tps": float(match.group(2)),
                "lat_ms": float(match.group(3)),
            }
        )
    return series
