"""Closed-loop HTTP throughput with wrk (C, so the client is not the bottleneck), with a Lua
script that picks a random player per request."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

from ops import packages

SCRIPT = """
math.randomseed(os.time())
local players = tonumber(os.getenv("LB_PLAYERS") or "1000")
local path = os.getenv("LB_PATH")
local body = os.getenv("LB_BODY") or ""
local headers = {["Content-Type"] = "application/json"}
request = function()
  local id = tostring(math.random(1, players))
  if body == "" then
    return wrk.format("GET", (path:gsub("{id}", id)))
  end
  local text = body:gsub("{id}", id):gsub("{score}", tostring(math.random(0, 1000)))
  return wrk.format("POST", path, headers, text)
end
"""
# POST /api/leaderboard/submit for a random player with a random score
SUBMIT_BODY = '{"user_id": {id}, "score": {score}, "game_mode": "classic"}'


def run(
    base: str,
    path: str,
    players: int,
    *,
    connections: int = 32,
    threads: int = 2,
    seconds: int = 15,
    body: str = "",
) -> dict:
    """wrk -t THREADS -c CONNECTIONS -d SECONDS --latency -s random_id.lua BASE
    (LB_PATH=/api/leaderboard/rank/{id} picks a random player per request; with LB_BODY
    each request is a POST of that JSON, {id} and {score} filled in at random)"""
    binary = packages.ensure_program("wrk", "wrk")
    with tempfile.TemporaryDirectory() as workdir:
        script = Path(workdir) / "random_id.lua"
        script.write_text(SCRIPT)
        args = [
            binary,
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "-s",
            str(script),
            base,
        ]
        done = subprocess.run(
            args,
            capture_output=True,
            text=True,
            check=False,
            env={"LB_PLAYERS": str(players), "LB_PATH": path, "LB_BODY": body},
        )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
    out = done.stdout
    latency = {}
    for label, key in (("50%", "p50"), ("90%", "p90"), ("99%", "p99")):
        match = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", out)
        if match:
            value = float(match.group(1))
            latency[key] = round(
                value / 1000
                if match.group(2) == "us"
                else value * 1000
                if match.group(2) == "s"
                else value,
                3,
            )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "path": path,
        "command": (f"LB_BODY='{body}' " if body else "")
        + f"LB_PATH={path} LB_PLAYERS={players} wrk -t {threads} -c {connections} "
        f"-d {seconds}s --latency -s random_id.lua $BASE",
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "latency_ms": latency,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1).strip() if errors else "",
    }
