"""`leaderboard seed`: lb.seed in PostgreSQL, then the Redis index rebuilt from it.

Seeding never goes through per-row NOTIFY: lb.seed writes everything in one transaction and
bumps the feed epoch, and the index is rebuilt in bulk (temporary key, then RENAME). In a
sharded deployment (LEADERBOARD_SHARD_URLS) the seed goes through the proxy (DATABASE_URL),
and the schema check, VACUUM and index rebuild run on each shard, each shard's part of the
index under its own keys.
"""

from __future__ import annotations

import argparse
import time

import psycopg
import redis

from leaderboard import DB_DIR, config, migrate, redisconn, sqlapi
from leaderboard.errors import cannot_connect, proxy_without_shards
from leaderboard.index.keys import Keys
from leaderboard.index.rebuild import rebuild_all
from leaderboard.index.writer import IndexWriter

EXAMPLE_BOARDS = DB_DIR / "seeds" / "boards.sql"


def run_cli(settings: config.Settings, args: argparse.Namespace) -> int:
    try:
        conn = psycopg.connect(
            settings.database_url, autocommit=True, application_name="leaderboard-seed"
        )
    except psycopg.OperationalError as exc:
        raise cannot_connect("PostgreSQL", exc) from exc
    # (database, its part of the index): one node, or every shard in order
    parts: list[tuple[str, int | None]] = (
        [(url, n) for n, url in enumerate(settings.shard_urls)]
        if settings.shard_urls
        else [(settings.database_url, None)]
    )
    with conn:
        if not settings.shard_urls and sqlapi.is_proxy(conn):
            # the schema check, VACUUM and index rebuild run on each shard
            raise proxy_without_shards("seed", "seed the deployment")
        for url, _ in parts:
            with _connect(url) as shard:
                migrate.check_schema(shard)
        if args.if_empty and sqlapi.has_players(conn):
            print("the database already has players; not seeding (--if-empty)")
            return 0
        if args.clear:
            sqlapi.clear_all(conn)
            print("cleared all players, sessions and board values")
        if args.example_boards:
            # the one list of example boards is the SQL the psql presets run too
            conn.execute(EXAMPLE_BOARDS.read_text())
            print("example boards: " + ", ".join(b["board_id"] for b in sqlapi.boards(conn)))
        started = time.monotonic()
        result = sqlapi.seed(
            conn,
            args.users,
            args.sessions,
            args.random_seed,
            progress=lambda line: print(line, flush=True),
        )
        # sets the visibility map, so rank counts run as index-only scans from the start
        for url, _ in parts:
            with _connect(url) as shard:
                shard.execute("vacuum lb.board_entries")
        print(
            f"seeded {result['users_created']} players, {result['sessions_created']} sessions "
            f"({result['players_ranked']} ranked) in {time.monotonic() - started:.1f} s",
            flush=True,
        )
        if args.no_index:
            return 0
        try:
            client = redisconn.connect(settings.redis_url, socket_timeout=30)
            results = [
                result
                for url, shard in parts
                for result in rebuild_all(
                    lambda u=url: _connect(u),
                    IndexWriter(client, Keys(settings.redis_prefix, shard)),
                    show_progress=True,
                )
            ]
        except redis.RedisError as exc:
            print(f"warning: Redis unavailable ({exc}); the bridge rebuilds the index when it can")
            return 0
        for result in results:
            if result is None:
                print("another process is rebuilding a board's index; it will include this seed")
            else:
                print(
                    f"redis index: board {result.board}, {result.members} entries"
                    f" in {result.seconds:.1f} s"
                )
    return 0


def _connect(url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(url, autocommit=True, application_name="leaderboard-seed")
    except psycopg.OperationalError as exc:
        raise cannot_connect("PostgreSQL", exc) from exc
