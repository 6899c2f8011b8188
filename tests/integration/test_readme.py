"""The README's first session, run as a new user runs it (issue 28): `make run` (as `python
-m ops run`, what it runs) on servers of its own, then every command of the section "A first
session", in order, in a second shell that did nothing but `source ./activate`. Each command
must print what the README shows; `...` in a line stands for any text, a line of `...` alone
for any lines."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from ops.postgres import data_root_for
from tests.integration.test_run import get, output, start
from tests.support.bridge import wait_until
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


def first_session() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) of every console block of the section."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## A first session\n", 1)[1].split("\n## ", 1)[0]
    steps: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", section, re.S):
        lines = block.splitlines()
        i = 0
        while i < len(lines):
            assert lines[i].startswith("$ "), lines[i]
            command = lines[i][2:]
            while command.endswith("\\"):  # a command continued on the next line
                i += 1
                command = command[:-1] + " " + lines[i].strip()
            i += 1
            expected = []
            while i < len(lines) and not lines[i].startswith("$ "):
                expected.append(lines[i])
                i += 1
            steps.append((command, expected))
    return steps


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line, `...` matching any text within a line; a line of `...` alone any number
    of lines; blank lines and trailing spaces do not count. A psql rule line (`----+----`)
    matches one with the same columns at any width: psql widens a column to its widest value,
    and a rank in the README is one reader's, not everyone's."""
    want = [line.rstrip() for line in expected if line.strip()]
    got = [line.rstrip() for line in actual if line.strip()]

    def match(w: int, g: int) -> bool:
        if w == len(want):
            return g == len(got)
        if want[w] == "...":
            return any(match(w + 1, k) for k in range(g, len(got) + 1))
        if g == len(got):
            return False
        if re.fullmatch(r"-+(\+-+)*", want[w]):
            pattern = r"\+".join(["-+"] * (want[w].count("+") + 1))
        else:
            pattern = ".*".join(re.escape(part) for part in want[w].split("..."))
        return re.fullmatch(pattern, got[g]) is not None and match(w + 1, g + 1)

    return match(0, 0)


def test_the_readme_first_session_runs_and_prints_what_it_shows(tmp_path):
    steps = first_session()
    assert len(steps) >= 12
    var = tmp_path / "var"
    var.mkdir()
    os.chmod(tmp_path, 0o755)  # the postgres user creates the cluster in it
    os.chmod(var, 0o755)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")} | {
        "LB_VAR_DIR": str(var),
        "LB_PG_PORT": str(free_port()),
        "LB_REDIS_PORT": str(free_port()),
        "PORT": str(port),
        "WEB_WORKERS": "1",
        "WEB_THREADS": "4",
        # the user's shell: the project's python only once ./activate has run
        "PATH": ":".join(p for p in os.environ["PATH"].split(":") if ".venv" not in p),
    }
    proc, log = start([sys.executable, "-m", "ops", "run"], env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: get(f"{base}/health")[0] == 200, timeout=180, message="make run up")
        for written, expected in steps:
            command = written.replace("localhost:3001", f"localhost:{port}")
            script = (
                command
                if command == "source ./activate"
                else (f"source ./activate >/dev/null 2>&1; {command}")
            )
            ran = subprocess.run(
                ["bash", "-c", script + " 2>&1"],
                check=False,
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            printed = ran.stdout.splitlines()
            assert ran.returncode == 0, (command, ran.stdout)
            assert matches(expected, printed), (
                f"\n$ {command}\nREADME shows:\n"
                + "\n".join(expected)
                + "\nit printed:\n"
                + ran.stdout
            )
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=60)
        log_text = output(log)
        log.close()
        shutil.rmtree(data_root_for(var).parent, ignore_errors=True)
    assert "stopped LocalPostgres" in log_text


def test_a_psql_rule_line_matches_at_any_column_width():
    shown = [" a | rank", "---+------", " 1 | ..."]
    assert matches(shown, [" a | rank  ", "---+-------", " 1 | 10001"])
    assert not matches(shown, [" a | rank", "---+------+---", " 1 | 2"])
