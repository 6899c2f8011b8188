"""python -m ops {run,up,down,status,deps,redis-acl,bench}: local services without Docker.

run        what `make run` does: services, migrate, seed once, bridge + web in the foreground
run        (--shards N: the same on N shards behind a PL/Proxy database, a bridge per shard;
           --redis-cluster: on a local 3-master, 3-replica Redis Cluster)
up         start local PostgreSQL and Redis and print the environment to use them;
           --shards N adds N shard clusters and a PL/Proxy database in front of them
down       stop them (and any shard clusters)
status     say what is running
deps       install what `make test` needs (PostgreSQL, Redis, Chromium, wrk, hey) when missing
redis-acl  print ACL SETUSER commands for a production Redis (passwords from the environment)
bench      what `make bench` does: local services, then `leaderboard bench --scale SCALE`
           (further options go to it: `python -m ops bench full --only scaling --sizes ...`)
schema     what `make schema` does: write db/schema.sql from a freshly migrated database
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from leaderboard import config, logs, sharding
from leaderboard.config import ConfigError, LocalServices
from ops import local, packages, postgres, redis_acl, redis_server

DEV_SEED = ["--users", "10000", "--sessions", "50000", "--example-boards"]


def _leaderboard() -> str:
    return str(Path(sys.executable).with_name("leaderboard"))


def up(redis_cluster: bool = False) -> tuple[list, dict[str, str]]:
    """Start what is not configured; return what we started and the environment for it.
    `redis_cluster`: a 3-master, 3-replica Redis Cluster instead of one server."""
    started: list = []
    env: dict[str, str] = {}
    configured = LocalServices.from_env()
    if not configured.database_url:
        pg = local.postgres()
        if pg.start():
            started.append(pg)
        pg.create_database(local.DATABASE)
        env["DATABASE_URL"] = pg.url(local.DATABASE)
    if not configured.redis_url:
        rd = local.redis_cluster() if redis_cluster else local.redis()
        if rd.start():
            started.append(rd)
        env["REDIS_URL"] = rd.url()
    return started, env


def up_shards(shards: int, redis_cluster: bool = False) -> tuple[list, dict[str, str]]:
    """`up`, plus `shards` shard clusters each with a `leaderboard` database, and the proxy
    database on the main cluster set up in front of them (leaderboard shards setup)."""
    if LocalServices.from_env().database_url:
        raise RuntimeError("--shards starts its own clusters: unset DATABASE_URL")
    started, env = up(redis_cluster)
    postgres.ensure_plproxy()
    main_pg = local.postgres()
    main_pg.create_database(local.PROXY_DATABASE)
    shard_urls = []
    for number in range(shards):
        cluster = local.shard_postgres(number)
        if cluster.start():
            started.append(cluster)
        cluster.wait_ready()
        cluster.create_database(local.DATABASE)
        shard_urls.append(cluster.url(local.DATABASE))
    sharding.setup(sharding.Topology(main_pg.url(local.PROXY_DATABASE), shard_urls))
    env["DATABASE_URL"] = main_pg.url(local.PROXY_DATABASE)
    env["LEADERBOARD_SHARD_URLS"] = ",".join(shard_urls)
    return started, env


SECOND_TERMINAL = (
    "  In another terminal, in this directory, one step makes every command work against\n"
    '  these servers:  source ./activate   (then: leaderboard boards list, psql "$DATABASE_URL")'
)


def run(shards: int | None = None, redis_cluster: bool = False) -> int:
    started, extra = up_shards(shards, redis_cluster) if shards else up(redis_cluster)
    env = {**os.environ, **extra}
    env.setdefault("LEADERBOARD_ENV", "development")
    local.record_services(extra)
    try:
        if not shards:  # up_shards migrated every shard; the proxy has no tables to migrate
            subprocess.run([_leaderboard(), "migrate"], env=env, check=True)
        subprocess.run([_leaderboard(), "seed", "--if-empty", *DEV_SEED], env=env, check=True)
        port = env.get("PORT", "3001")
        print(
            f"\n  Leaderboard: http://localhost:{port}   (Ctrl-C stops everything)\n\n"
            f"{SECOND_TERMINAL}\n",
            flush=True,
        )
        child = subprocess.Popen([_leaderboard(), "run"], env=env)
        try:
            return child.wait()
        except KeyboardInterrupt:
            # the terminal sent SIGINT to the whole group; the child is shutting down too
            return child.wait()
    except subprocess.CalledProcessError as exc:
        return exc.returncode
    finally:
        for service in reversed(started):
            service.stop()
            print(f"stopped {type(service).__name__} on port {service.port}", flush=True)


def status() -> None:
    """What is running, whatever the topology: the main cluster, one Redis server or the
    nodes of a Redis Cluster, the shard clusters (--shards and --redis-cluster are not
    needed: what exists is found)."""
    pg = local.postgres()
    pg_up = pg.initialized() and pg.running()
    print(f"postgres       port {pg.port}: {'running' if pg_up else 'stopped'}")
    for number, cluster in enumerate(local.initialized_shards()):
        state = "running" if cluster.running() else "stopped"
        print(f"postgres shard {number} port {cluster.port}: {state}")
    rd, rc = local.redis(), local.redis_cluster()
    nodes = [node for node in rc.nodes if node.running()]
    if nodes:  # a cluster's first node has the port a single server would have
        first, last = rc.ports[0], rc.ports[-1]
        print(f"redis cluster  ports {first}-{last}: {len(nodes)} of {len(rc.nodes)} nodes running")
    else:
        print(f"redis          port {rd.port}: {'running' if rd.running() else 'stopped'}")
    found = config.local_services()
    if found:
        print("the commands of another terminal use: " + ", ".join(sorted(found)))


def schema() -> int:
    """db/schema.sql from a scratch database on the local server (or $DATABASE_URL's)."""
    started, extra = up()
    env = {**os.environ, **extra}
    if "DATABASE_URL" in extra:
        env["DATABASE_URL"] = local.postgres().url("postgres")
    try:
        command = [sys.executable, "-m", "ops.schema_dump"]
        return subprocess.run(command, env=env, check=False).returncode
    finally:
        for service in reversed(started):
            service.stop()


def bench(scale: str, options: list[str]) -> int:
    """The benchmark creates its own databases: it runs as the local superuser. `options` go
    to `leaderboard bench` as they are (--only, --sizes)."""
    started, extra = up()
    env = {**os.environ, **extra}
    if "DATABASE_URL" in extra:
        env["DATABASE_URL"] = local.postgres().url("postgres")
    try:
        return subprocess.run(
            [_leaderboard(), "bench", "--scale", scale, *options], env=env, check=False
        ).returncode
    finally:
        for service in reversed(started):
            service.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ops",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "command", choices=["run", "up", "down", "status", "deps", "redis-acl", "bench", "schema"]
    )
    parser.add_argument("scale", nargs="?", default="small", choices=["small", "full"])
    parser.add_argument(
        "--shards",
        type=int,
        choices=[1, 2, 4, 8],
        help="up: also start this many shard clusters behind a PL/Proxy database",
    )
    parser.add_argument(
        "--redis-cluster",
        action="store_true",
        help="up/run: a local Redis Cluster (3 masters, 3 replicas) instead of one server",
    )
    args, options = parser.parse_known_args(argv)
    command = args.command
    # one log format for everything this starts (migrate and shards setup log here too)
    logs.setup(os.environ.get("LOG_LEVEL", "INFO").upper())
    if options and command != "bench":
        parser.error(f"unrecognized arguments: {' '.join(options)}")
    if (args.shards or args.redis_cluster) and command not in ("up", "run", "status"):
        parser.error("--shards and --redis-cluster go with up, run or status")
    try:
        if command == "run":
            return run(args.shards, args.redis_cluster)
        if command == "bench":
            return bench(args.scale, options)
        if command == "schema":
            return schema()
        if command == "up":
            _, env = (
                up_shards(args.shards, args.redis_cluster)
                if args.shards
                else up(args.redis_cluster)
            )
            local.record_services(env)
            for key, value in env.items():
                print(f"export {key}={value}")
        elif command == "down":
            servers = [
                local.redis(),
                local.redis_cluster(),
                *local.initialized_shards(),
                local.postgres(),
            ]
            stopped = 0
            for server in servers:
                nodes = getattr(server, "nodes", [server])  # a cluster: any node running
                if any(node.running() for node in nodes):
                    server.stop()
                    stopped += 1
                    print(f"stopped {type(server).__name__} on port {server.port}")
            if not stopped:
                print("nothing was running")
        elif command == "status":
            status()
        elif command == "redis-acl":
            passwords = redis_acl.passwords_from_env()
            if passwords is None:
                raise ConfigError(
                    "set the ACL users' passwords in "
                    + ", ".join(redis_acl.PASSWORD_VARS.values())
                    + " (16 characters or more each)"
                )
            for line in redis_acl.acl_lines(passwords):
                print("ACL SETUSER " + line.removeprefix("user "))
        elif command == "deps":
            postgres.bin_dir()
            postgres.ensure_plproxy()  # the sharded test tier's proxy database
            redis_server.server_binary()
            # the browser tests' Chromium; wrk and hey for the benchmark harness test
            packages.ensure_programs({"chromium": "chromium", "wrk": "wrk", "hey": "hey"})
    except (ConfigError, ValueError) as exc:  # the leaderboard CLI's codes and exit codes
        print(f"error[CONFIG]: {exc}", file=sys.stderr)
        return 2
    except packages.MissingDependency as exc:
        print(f"error[MISSING_DEPENDENCY]: {exc}", file=sys.stderr)
        return 3
    except RuntimeError as exc:
        print(f"error[FAILED]: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
