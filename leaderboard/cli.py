"""The `leaderboard` command: migrate, seed, boards, bridge, web, run.

Exit codes are stable: 0 ok, 1 unexpected failure, 2 bad input (the message names it; also
an unknown board or player, or an id already taken),
3 a service is unavailable, 4 the schema needs `leaderboard migrate`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import psycopg

from leaderboard import boards_cli, config, keys_cli, logins, logs, moderate_cli, redisconn
from leaderboard.errors import (
    BoardExists,
    InvalidArgument,
    KeyExists,
    LeaderboardError,
    NotFound,
    RuleExists,
    SchemaOutOfDate,
    SessionNotHeld,
    Unavailable,
    UsernameTaken,
    cannot_connect,
    proxy_without_shards,
)

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_UNAVAILABLE, EXIT_SCHEMA = 0, 1, 2, 3, 4
# connections one web worker holds at once (granian --backpressure); see _exec_web
BACKPRESSURE = 8192
# lb.seed plays 5 sessions a player and counts sessions in an integer
MAX_SCALING_PLAYERS = 100_000_000


def _minutes(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.5 <= value <= 1440:
        raise argparse.ArgumentTypeError(
            f"--minutes must be a number from 0.5 to 1440, got {raw!r}"
        )
    return value


def _count(name: str, high: int):
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be an integer, got {raw!r}") from None
        if not 0 <= value <= high:
            raise argparse.ArgumentTypeError(f"{name} must be from 0 to {high}, got {value}")
        return value

    return parse


def _sizes(raw: str) -> tuple[int, ...]:
    """Players at each point of the scaling curve, 1 to MAX_SCALING_PLAYERS each."""
    parse = _count("--sizes", MAX_SCALING_PLAYERS)
    sizes = tuple(parse(part.strip()) for part in raw.split(","))
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"--sizes takes players from 1 to {MAX_SCALING_PLAYERS}, got {raw!r}"
        )
    return sizes


def _random_seed(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--random-seed must be a number, got {raw!r}") from None
    if not -1 <= value <= 1:
        raise argparse.ArgumentTypeError(f"--random-seed must be between -1 and 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leaderboard",
        description="SQL-first gaming leaderboard. Configuration comes from the environment "
        "(DATABASE_URL, REDIS_URL, PORT, LEADERBOARD_REFRESH_INTERVAL_MS, LOG_LEVEL; see README).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")

    sub.add_parser(
        "migrate",
        help="apply db/migrations, then re-apply every db/functions file",
        description="Apply pending migrations (yoyo) and re-apply all SQL functions. "
        "Idempotent; concurrent runs wait for each other.",
    )

    seed = sub.add_parser(
        "seed",
        help="generate players and sessions inside PostgreSQL",
        description="Add generated players and sessions with lb.seed. Into an "
        "empty database this is a bulk load; otherwise it appends. Then the "
        "Redis index is rebuilt (unless --no-index).",
    )
    seed.add_argument(
        "--users",
        type=_count("--users", 100_000_000),
        required=True,
        metavar="N",
        help="players to create (player_1, player_2, ...; added to any already there)",
    )
    seed.add_argument(
        "--sessions",
        type=_count("--sessions", 1_000_000_000),
        required=True,
        metavar="M",
        help="game sessions among them in all, over the last 35 days (a few players play a lot)",
    )
    seed.add_argument(
        "--random-seed", type=_random_seed, default=None, help="make the data reproducible (-1..1)"
    )
    seed.add_argument(
        "--clear", action="store_true", help="delete all players and sessions first (lb.clear_all)"
    )
    seed.add_argument(
        "--if-empty", action="store_true", help="do nothing when the database already has players"
    )
    seed.add_argument(
        "--example-boards",
        action="store_true",
        help="first create the example boards that are missing (db/seeds/boards.sql)",
    )
    seed.add_argument(
        "--no-index",
        action="store_true",
        help="skip rebuilding the Redis index (a running bridge will)",
    )

    sub.add_parser(
        "bridge",
        help="mirror totals from PostgreSQL into Redis and refresh the top 10",
        description="Run the PostgreSQL -> Redis bridge in the foreground.",
    )
    sub.add_parser(
        "web",
        help="serve the HTTP API and dashboard with granian on $PORT",
        description="Serve the Flask app with granian: $WEB_WORKERS processes (default: one "
        "per core) x $WEB_THREADS threads.",
    )
    verify = sub.add_parser(
        "verify",
        help="check every board: PostgreSQL against its session log, Redis against PostgreSQL",
        description="Check boards exactly, streaming: every entry and rank-histogram row of "
        "the readable periods against the session log, and the Redis index (members, values, "
        "tie order, counts, usernames, the cached top 10) against PostgreSQL. Exit 0 clean, "
        "1 drift found, 2 bad input, 3 a service is down.",
    )
    verify.add_argument("--board", action="append", help="only this board (repeatable)")
    verify.add_argument("--period", help="only this period (its start, ISO 8601)")
    verify.add_argument(
        "--repair",
        action="store_true",
        help="fix what drifted (lb.repair_board, lb.repair_histogram, an index rebuild), "
        "then verify again",
    )
    verify.add_argument("--json", action="store_true", help="the full result as JSON")
    login = sub.add_parser(
        "create-login",
        help="create a login role in lb_game_server, lb_web, lb_bridge, lb_proxy or lb_moderator",
        description="Create (or update) a PostgreSQL login role that is a member of one of the "
        "lb groups, with the group's time limits and a connection limit. Run it as an "
        "administrator (DATABASE_URL with CREATEROLE).",
    )
    login.add_argument("name", help="the login role's name")
    login.add_argument("--role", required=True, choices=list(logins.GROUPS))
    login.add_argument(
        "--password-env",
        metavar="VAR",
        help="read the password from this environment variable (never argv)",
    )
    login.add_argument(
        "--connection-limit",
        type=_count("--connection-limit", 10_000),
        metavar="N",
        help="connections it may hold at once (default: game_server 50, web 100, bridge 20, "
        "proxy 200)",
    )

    bench = sub.add_parser(
        "bench",
        help="run the benchmark suite (pgbench, HTTP, seeding, memory) and write a report",
        description="Run the standard benchmark suite against DATABASE_URL's server (it "
        "replaces databases lb_bench and lb_bench_reference there, so it needs CREATEDB) and "
        "REDIS_URL (keys under lb:bench:). Writes report.json, report.md and PNG plots.",
    )
    bench.add_argument(
        "--scale",
        choices=["small", "full"],
        default="small",
        help="small: checks the harness; full: 1M players, 5M sessions",
    )
    bench.add_argument("--out", help="report directory (default perf/reports/<timestamp>)")
    bench.add_argument(
        "--only", help="comma-separated sections: seed,write,http,memory,boards,scaling,sharding"
    )
    bench.add_argument(
        "--sizes",
        type=_sizes,
        help="comma-separated players at each point of the scaling section's curve (5 sessions"
        " each); full scale: 100000,1000000",
    )
    bench.add_argument(
        "--soak-seconds",
        type=_count("--soak-seconds", 86_400),
        help="length of the bridge memory soak (full scale: 600)",
    )

    chaos = sub.add_parser(
        "chaos",
        help="a chaos soak: steady load while faults are injected; counts what was lost",
        description="Start a stack of its own (PostgreSQL with fsync on, Redis, web, bridge), "
        "run a steady mixed load (SQL and HTTP submits with idempotency keys, reads) while "
        "every fault kind is injected in turn, then check that no acknowledged write was lost "
        "or duplicated and that Redis equals PostgreSQL. Exit 0 when all are 0, 1 otherwise. "
        "Writes report.json, report.md and timeline.png.",
    )
    chaos.add_argument(
        "--minutes", type=_minutes, default=10.0, help="length of the soak (default 10)"
    )
    chaos.add_argument("--out", help="report directory (default perf/reports/chaos-<timestamp>)")

    boards_cli.add_parser(sub)
    keys_cli.add_parser(sub)
    moderate_cli.add_parsers(sub)

    shards = sub.add_parser(
        "shards",
        help="set up a sharded deployment: shard databases behind a PL/Proxy database",
        description="`setup` migrates each shard (in the order given: a shard keeps its "
        "number for life, its ids name it), places it with lb.configure_shard, and installs "
        'the proxy database\'s lb.* functions pointing at them (README "Sharding"). Running '
        "it again with the same shards updates everything in place.",
    )
    shards.add_argument("action", choices=["setup"])
    shards.add_argument(
        "--proxy", required=True, metavar="URL", help="the proxy database (needs plproxy)"
    )
    shards.add_argument(
        "--shard",
        action="append",
        required=True,
        metavar="URL",
        help="a shard database, in shard order (repeat for each)",
    )
    shards.add_argument(
        "--shard-login",
        default="leaderboard_proxy",
        metavar="NAME",
        help="the login the proxy reaches the shards as, created in lb_proxy on each shard's "
        "cluster (default leaderboard_proxy)",
    )
    shards.add_argument(
        "--password-env",
        metavar="VAR",
        help="environment variable holding that login's password (set on the shards and in "
        "the proxy's user mapping); without it the shards must let it in without one",
    )

    sub.add_parser(
        "run",
        help="run bridge and web together in the foreground",
        description="Run the bridge and the web server; Ctrl-C stops both.",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = config.Settings.from_env()
    except config.ConfigError as exc:
        print(f"error[CONFIG]: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    logs.setup(settings.log_level)
    try:
        return _dispatch(args, settings)
    except (
        InvalidArgument,
        NotFound,
        BoardExists,
        UsernameTaken,
        KeyExists,
        RuleExists,
        SessionNotHeld,
    ) as exc:
        print(f"error[{exc.code}]: {_flag_named(exc, argv)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SchemaOutOfDate as exc:
        print(f"error[{exc.code}]: {exc.message}", file=sys.stderr)
        return EXIT_SCHEMA
    except Unavailable as exc:
        print(f"error[{exc.code}]: {exc.message}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except LeaderboardError as exc:
        print(f"error[{exc.code}]: {exc.message}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130


def _flag_named(exc: LeaderboardError, argv: Sequence[str] | None) -> str:
    """The message, naming the flag the user gave (`--period must be ...`) rather than the
    field behind it (`period must be ...`)."""
    given = sys.argv[1:] if argv is None else argv
    message = exc.message
    flag = f"--{exc.field.replace('_', '-')}" if exc.field else None
    if flag and flag in given and message.startswith(f"{exc.field} "):
        message = flag + message[len(exc.field) :]

    def named(match: re.Match) -> str:  # a SQL argument the message names: p_users
        option = "--" + match[1].replace("_", "-")
        return option if option in given else match[0]

    return re.sub(r"\bp_([a-z_]+)", named, message)


def _dispatch(args: argparse.Namespace, settings: config.Settings) -> int:
    if args.command == "migrate":
        from leaderboard import migrate

        try:
            result = migrate.migrate(settings.database_url)
        except psycopg.OperationalError as exc:
            raise cannot_connect("PostgreSQL", exc) from exc
        print(
            f"migrations applied: {len(result.applied)} ({', '.join(result.applied) or 'none'}); "
            f"functions applied: {result.functions}"
        )
        return EXIT_OK
    if args.command == "seed":
        from leaderboard import seeding

        return seeding.run_cli(settings, args)
    if args.command == "bridge":
        from bridge import service

        return service.run(settings)
    if args.command == "web":
        return _exec_web(settings)
    if args.command == "chaos":
        try:
            from perf import chaos
        except ImportError as exc:
            raise InvalidArgument(
                f"the chaos soak needs the perf extra ({exc.name} is "
                "missing): pip install 'sql-leaderboard[perf]'"
            ) from exc
        out = (
            Path(args.out)
            if args.out
            else Path("perf/reports") / time.strftime("chaos-%Y%m%d-%H%M%S")
        )
        return chaos.run_cli(args.minutes, out)
    if args.command == "bench":
        try:
            from perf import suite
        except ImportError as exc:
            raise InvalidArgument(
                f"the benchmark needs the perf extra ({exc.name} is "
                "missing): pip install 'sql-leaderboard[perf]'"
            ) from exc
        try:
            suite.run_cli(
                settings.database_url,
                settings.redis_url,
                args.scale,
                out=args.out,
                only=args.only,
                soak_seconds=args.soak_seconds,
                sizes=args.sizes,
            )
        except ValueError as exc:
            raise InvalidArgument(str(exc)) from exc
        return EXIT_OK
    if args.command == "create-login":
        password = None
        if args.password_env:
            try:
                password = config.secret(args.password_env)
            except config.ConfigError as exc:
                raise InvalidArgument(str(exc)) from None
            if len(password) < 16:
                raise InvalidArgument(
                    f"the password in {args.password_env} must be at least 16 characters",
                    field="password_env",
                )
        try:
            conn = psycopg.connect(settings.database_url, autocommit=True)
        except psycopg.OperationalError as exc:
            raise cannot_connect("PostgreSQL", exc) from exc
        with conn:
            copied = logins.create_login(
                conn, args.name, args.role, password, args.connection_limit
            )
        print(f"login {args.name} is in lb_{args.role}; settings: {', '.join(copied) or 'none'}")
        return EXIT_OK
    if args.command == "boards":
        return boards_cli.run(settings, args)
    if args.command == "keys":
        return keys_cli.run(settings, args)
    if args.command in ("rules", "moderate"):
        return moderate_cli.run(settings, args)
    if args.command == "shards":
        return _shards(args)
    if args.command == "verify":
        return _verify(settings, args)
    if args.command == "run":
        from leaderboard import supervisor

        return supervisor.run_all(settings)
    raise AssertionError(args.command)


def _verify(settings: config.Settings, args: argparse.Namespace) -> int:
    """Verify one database (a node, or a shard's part); on the proxy of a sharded deployment,
    which keeps no data, every shard of LEADERBOARD_SHARD_URLS in turn."""
    import json

    from leaderboard import integrity

    period = boards_cli.instant(args.period, "period")
    if not _is_proxy(settings.database_url):
        results = _verify_database(settings, args, period)
        print(integrity.as_json(results) if args.json else integrity.summary(results))
        return EXIT_OK if all(not r.drift for r in results) else EXIT_FAILURE
    if not settings.shard_urls:
        raise proxy_without_shards("verify", "verify every shard")
    reports, clean = [], True
    for number, url in enumerate(settings.shard_urls):
        results = _verify_database(replace(settings, database_url=url), args, period)
        clean &= all(not r.drift for r in results)
        if args.json:
            reports.append({"shard": number, **json.loads(integrity.as_json(results))})
        else:
            print(f"shard {number}:\n{integrity.summary(results)}")
    if args.json:
        print(json.dumps({"clean": clean, "shards": reports}, indent=2))
    return EXIT_OK if clean else EXIT_FAILURE


def _is_proxy(database_url: str) -> bool:
    from leaderboard import sqlapi

    try:
        with psycopg.connect(database_url, autocommit=True) as conn:
            return sqlapi.is_proxy(conn)
    except psycopg.OperationalError as exc:
        raise cannot_connect("PostgreSQL", exc) from exc


def _verify_database(settings: config.Settings, args: argparse.Namespace, period) -> list:
    import redis

    from leaderboard import integrity, migrate, sqlapi
    from leaderboard.index.keys import Keys

    try:
        conn = psycopg.connect(settings.database_url, autocommit=True)
    except psycopg.OperationalError as exc:
        raise cannot_connect("PostgreSQL", exc) from exc
    with conn:
        migrate.check_schema(conn)
        # before any work: an unknown board, or a period that is not one of a board's
        # (a start, begun, kept), is bad input, named as every read names it
        if period is not None and not args.board:
            raise InvalidArgument("--period needs --board: periods are a board's", field="period")
        for board in args.board or []:
            sqlapi.top_players(conn, 1, 0, board, period)
        # on a shard of several, its own part of the index (DATABASE_URL=<shard> leaderboard
        # verify, once per shard)
        shard, shards = conn.execute("select shard, shards from lb.shard_info()").fetchone()
    client = redisconn.connect(settings.redis_url, socket_timeout=60)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise cannot_connect("Redis", exc) from exc
    verifier = integrity.Verifier(
        lambda: psycopg.connect(settings.database_url, autocommit=True),
        client,
        Keys(settings.redis_prefix, shard if shards > 1 else None),
        show_progress=True,
    )
    try:
        results = verifier.run(args.board, period, repair=args.repair)
    except psycopg.OperationalError as exc:
        raise Unavailable(f"PostgreSQL failed during the check: {exc}".strip()) from exc
    except redis.RedisError as exc:
        raise Unavailable(f"Redis failed during the check: {exc}") from exc
    finally:
        client.close()
    return results


def _exec_web(settings: config.Settings) -> int:
    """Replace this process with granian serving web:served_app, chosen by measurement over
    gunicorn (README, Performance): one process per core, each receiving requests on its
    event loop (RSGI, web.server) and running the app on a pool of threads (SSE streams hold
    one). Workers share request metrics through files in a fresh PROMETHEUS_MULTIPROC_DIR."""
    # one folder per port, emptied at each start (what the multi-process mode asks): a fresh
    # temporary folder each start left one behind every time
    metrics = Path(tempfile.gettempdir()) / f"leaderboard-metrics-{settings.port}"
    shutil.rmtree(metrics, ignore_errors=True)
    metrics.mkdir(mode=0o700)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
    argv = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "rsgi",
        "--loop",
        "uvloop",
        "--factory",
        "--host",
        settings.host,
        "--port",
        str(settings.port),
        "--workers",
        str(settings.web_workers),
        "--http1-header-read-timeout",
        str(settings.web_read_timeout_ms),
        # HTTP/1.1 only: cleartext HTTP/2 let a client hold responses in server memory with
        # a closed flow-control window, and has no idle limit (a proxy that ends TLS speaks
        # HTTP/2 to clients)
        "--http",
        "1",
        # connections a worker serves at once, idle ones included (granian's default, 512,
        # was reached by 1,030 silent sockets); the socket limit is 20,000 here
        "--backpressure",
        str(BACKPRESSURE),
        "--backlog",
        "4096",
        "--no-ws",
        # open streams end on the stop signal (web.stream); a worker still busy after this
        # is killed rather than holding the shutdown
        "--workers-kill-timeout",
        "10",
        "--respawn-failed-workers",
        "--log-level",
        settings.log_level.lower(),
    ]
    if settings.log_level == "DEBUG":
        argv.append("--access-log")  # only when asked: a line per request costs CPU
    argv.append("web:served_app")
    os.execv(sys.executable, argv)  # noqa: S606 -- argv is built here, no shell
    return EXIT_FAILURE  # not reached


def _shards(args: argparse.Namespace) -> int:
    from leaderboard import sharding
    from leaderboard.errors import translate

    for url in [args.proxy, *args.shard]:
        if not url.startswith(("postgresql://", "postgres://")):
            raise InvalidArgument(f"--proxy and --shard must be postgresql:// URLs, got {url!r}")
    if len(set(args.shard)) != len(args.shard):
        raise InvalidArgument("--shard: each shard must be a different database")
    if len(args.shard) > sharding.MAX_SHARDS:
        raise InvalidArgument(f"--shard: at most {sharding.MAX_SHARDS} shards")
    try:
        sharding.setup(
            sharding.Topology(
                args.proxy,
                list(args.shard),
                login=args.shard_login,
                password=config.secret(args.password_env) if args.password_env else None,
            )
        )
    except psycopg.OperationalError as exc:
        raise cannot_connect("PostgreSQL", exc) from exc
    except psycopg.Error as exc:
        raise translate(exc) from exc
    print(f"proxy {args.proxy}: {len(args.shard)} shards")
    return EXIT_OK
