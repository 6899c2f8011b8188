"""`leaderboard bridge`: the loop that keeps Redis equal to PostgreSQL.

One dedicated autocommit connection (not from a pool) LISTENs for wake-up hints, holds the
awake claim, and reads the change feed. Two modes:

  awake   holds lb.claim_feed(), so submits send no NOTIFY, and polls every ACTIVE_POLL_S.
          After IDLE_POLLS_BEFORE_SLEEP polls without changes it releases the claim.
  asleep  waits for a hint. Submits that saw the claim before it was released sent none;
          each had its xid before the release, so the bridge polls quickly (10 ms, backing
          off to 200 ms) until a snapshot's xmin passes the horizon lb.release_feed() returns,
          i.e. until all of them have finished. After that every new submit notifies. A safety
          poll every LEADERBOARD_SAFETY_POLL_MS bounds staleness anyway and doubles as the
          liveness check of the connection.

Any PostgreSQL or Redis failure drops the session; the bridge waits (jittered exponential
backoff), reconnects, and catches up from the index's cursor before it waits again.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from datetime import UTC, datetime

import psycopg
import redis
from apscheduler.schedulers.background import BackgroundScheduler

from bridge.sampler import Sampler
from bridge.status import Status
from bridge.syncer import Syncer
from bridge.top10 import Top10Refresher
from leaderboard import config, logs, migrate, redisconn
from leaderboard.backoff import Backoff
from leaderboard.errors import SchemaOutOfDate
from leaderboard.feed import ChangeFeed
from leaderboard.index.keys import Keys
from leaderboard.index.reader import IndexReader, ShardedIndexReader
from leaderboard.index.writer import IndexWriter

log = logs.get("bridge")

ACTIVE_POLL_S = 0.025
IDLE_POLLS_BEFORE_SLEEP = 8
FOLLOW_UP_MIN_S = 0.01
FOLLOW_UP_MAX_S = 0.2
HEARTBEAT_S = 1.0
STOP_CHECK_S = 0.25
HEARTBEAT_TTL_MS = 10_000
# how often periods past their retention are deleted in PostgreSQL (lb.prune_periods); reads
# refuse them at once whatever this is, so it only bounds the space they take
PRUNE_INTERVAL_S = 60
# how often client logins are held to their time limits (lb.enforce_limits): a statement
# runs at most its limit plus a second of grace plus this
ENFORCE_INTERVAL_S = 2.0


class Bridge:
    def __init__(
        self,
        settings: config.Settings,
        redis_client: redis.Redis | None = None,
        status: Status | None = None,
    ) -> None:
        self.settings = settings
        self.redis = redis_client or redisconn.connect(
            settings.redis_url,
            socket_timeout=10,
            socket_connect_timeout=3,
            health_check_interval=15,
        )
        self.keys = Keys(settings.redis_prefix)
        self.reader = IndexReader(self.redis, self.keys)
        self.writer = IndexWriter(self.redis, self.keys)
        self.status = status or Status()
        self.stop_event = threading.Event()
        self.stop_signal: int | None = None  # set by a signal handler, see request_stop
        self.safety_poll_s = settings.safety_poll_ms / 1000
        self.syncer: Syncer | None = None
        self.top10 = Top10Refresher(
            self.reader, self.writer, settings.refresh_interval_ms, self.status, self._boards
        )
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": 5},
        )
        self._schema_checked = False

    # -- lifecycle ---------------------------------------------------------------------------

    def run(self) -> None:
        now = datetime.now(UTC)
        self.scheduler.add_job(
            self._refresh_top10,
            "interval",
            id="top10",
            seconds=self.settings.refresh_interval_ms / 1000,
            next_run_time=now,
        )
        self.scheduler.add_job(
            self._heartbeat, "interval", id="heartbeat", seconds=HEARTBEAT_S, next_run_time=now
        )
        self.scheduler.add_job(self._prune, "interval", id="prune", seconds=PRUNE_INTERVAL_S)
        self.scheduler.add_job(
            self._enforce_limits, "interval", id="limits", seconds=ENFORCE_INTERVAL_S
        )
        if self.settings.sample_size > 0:
            self.scheduler.add_job(
                self._sample,
                "interval",
                id="sample",
                seconds=self.settings.sample_interval_ms / 1000,
            )
        self.scheduler.start()
        log.info(
            "started",
            bridge_id=self.status.bridge_id,
            refresh_interval_ms=self.settings.refresh_interval_ms,
        )
        try:
            self._run_sessions()
        finally:
            if self.stop_signal is not None:
                log.info("stopping", signal=signal.Signals(self.stop_signal).name)
            self.scheduler.shutdown(wait=True)
            self._release_on_shutdown()
            self.redis.close()
            log.info("stopped", bridge_id=self.status.bridge_id)

    def stop(self) -> None:
        """Stop, from another thread."""
        self.stop_event.set()

    def request_stop(self, signum: int) -> None:
        """Stop, from a signal handler: only a plain assignment. Taking a lock there (an
        Event's, or logging's) deadlocks when a second signal arrives while the first
        handler holds it; a bridge hung that way under repeated SIGTERMs."""
        self.stop_signal = signum

    def stopping(self) -> bool:
        return self.stop_signal is not None or self.stop_event.is_set()

    def _sleep(self, seconds: float) -> None:
        """Sleep in short slices, so that a stop request is honoured promptly."""
        deadline = time.monotonic() + seconds
        while not self.stopping():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self.stop_event.wait(min(STOP_CHECK_S, remaining))

    def _release_on_shutdown(self) -> None:
        try:
            self.top10.release()
            pipe = self.redis.pipeline(transaction=not redisconn.clustered(self.redis))
            pipe.delete(self.keys.bridge(self.status.bridge_id))
            pipe.zrem(self.keys.bridges, self.status.bridge_id)
            pipe.execute()
        except redis.RedisError:
            pass

    def _place(self, conn: psycopg.Connection) -> None:
        """On a shard of several, keep this shard's part of the index under its own keys and
        build top 10s from every shard's part (README "Sharding"). A shard never moves."""
        shard, shards = conn.execute("select shard, shards from lb.shard_info()").fetchone()
        if shards == 1:
            return
        self.keys = Keys(self.settings.redis_prefix, shard)
        self.reader = ShardedIndexReader(self.redis, self.keys, shards)
        self.writer = IndexWriter(self.redis, self.keys)
        self.top10.reader, self.top10.writer, self.top10.keys = self.reader, self.writer, self.keys
        log.info("placed", shard=shard, shards=shards)

    # -- the session loop ------------------------------------------------------------------

    def _run_sessions(self) -> None:
        # jittered: bridges that lost PostgreSQL together do not reconnect in step
        backoff = Backoff(base=0.05, cap=5.0, jitter=True)
        while not self.stopping():
            try:
                self._session(backoff)
            except SchemaOutOfDate:
                raise
            except psycopg.Error as exc:
                self.status.set(postgres_ok=False, mode="reconnecting")
                log.warning("postgres_unavailable", error=_first_line(exc))
            except redis.RedisError as exc:
                self.status.set(redis_ok=False, mode="reconnecting")
                log.warning("redis_unavailable", error=_first_line(exc))
            self._sleep(backoff.next())

    def _session(self, backoff: Backoff) -> None:
        with psycopg.connect(
            self.settings.database_url,
            autocommit=True,
            connect_timeout=5,
            application_name="leaderboard-bridge",
        ) as conn:
            if not self._schema_checked:
                migrate.check_schema(conn)
                self._schema_checked = True
                self._place(conn)
            feed = ChangeFeed(conn)
            # LISTEN before catching up: a hint sent during the catch-up is queued, not lost
            feed.listen()
            self.status.set(postgres_ok=True, clock_offset=feed.clock_offset())
            syncer = self.syncer = Syncer(
                feed,
                self.writer,
                self.status,
                verify_every_s=self.safety_poll_s,
                connect=self._connect_for_rebuilds,
            )
            started = time.monotonic()
            result = syncer.sync_once()
            self.status.set(redis_ok=True)
            log.info(
                "caught_up",
                changes=result.applied,
                rebuilt=result.rebuilt,
                ms=round((time.monotonic() - started) * 1000, 1),
            )
            backoff.reset()
            self._loop(feed, syncer)

    def _loop(self, feed: ChangeFeed, syncer: Syncer) -> None:
        awake = False
        idle_polls = 0
        horizon: int | None = None  # set while hint-less submits may still be committing
        follow_up = FOLLOW_UP_MIN_S
        self.status.set(mode="asleep")
        while not self.stopping():
            if awake:
                # a plain sleep: waiting on the socket for 25 ms spins in psycopg's wait loop
                # (measured 3.8% of a core idle); the few hints sent before our claim are
                # buffered by psycopg and drained, harmlessly, when we next wait for hints
                self._sleep(ACTIVE_POLL_S)
                result = syncer.sync_once()
                idle_polls = 0 if result.applied else idle_polls + 1
                if idle_polls >= IDLE_POLLS_BEFORE_SLEEP:
                    horizon = feed.release()
                    awake = False
                    follow_up = FOLLOW_UP_MIN_S
                    self.status.set(mode="asleep")
                    log.debug("asleep", horizon=horizon)
                continue

            hints = self._wait(feed, follow_up if horizon else self.safety_poll_s)
            for hint in hints:
                _check_hint(hint)
            if hints and feed.claim():
                awake, idle_polls = True, 0
                self.status.set(mode="awake")
                log.debug("awake")
            result = syncer.sync_once()
            if horizon is not None:
                if result.position is not None and result.position.xmin >= horizon:
                    horizon = None
                follow_up = min(FOLLOW_UP_MAX_S, follow_up * 2)

    def _wait(self, feed: ChangeFeed, timeout: float) -> list[psycopg.Notify]:
        """Wait for hints in short slices, so that a stop request is honoured promptly."""
        deadline = time.monotonic() + timeout
        while not self.stopping():
            remaining = deadline - time.monotonic()
            hints = feed.wait(max(0.0, min(STOP_CHECK_S, remaining)))
            if hints or remaining <= STOP_CHECK_S:
                return hints
        return []

    # -- scheduled jobs (APScheduler threads) ------------------------------------------------

    def _connect_for_rebuilds(self) -> psycopg.Connection:
        return psycopg.connect(
            self.settings.database_url,
            autocommit=True,
            connect_timeout=5,
            application_name="leaderboard-bridge-rebuild",
        )

    def _boards(self) -> list:
        """The boards as the session loop last loaded them (none before its first verify)."""
        syncer = self.syncer
        return list(syncer.boards.values()) if syncer is not None else []

    def _refresh_top10(self) -> None:
        try:
            self.top10.refresh()
        except redis.RedisError as exc:
            log.warning("top10_failed", error=_first_line(exc))

    def _prune(self) -> None:
        """Delete periods past their retention in PostgreSQL, on a connection of its own (the
        session loop's is not shared between threads); the session loop prunes Redis."""
        try:
            with psycopg.connect(
                self.settings.database_url,
                autocommit=True,
                connect_timeout=5,
                application_name="leaderboard-bridge-prune",
            ) as conn:
                deleted = ChangeFeed(conn).prune()
            if deleted:
                log.info("pruned_periods", entries=deleted)
        except psycopg.Error as exc:
            log.warning("prune_failed", error=_first_line(exc))

    def _enforce_limits(self) -> None:
        """Cancel client statements past their login's statement_timeout and end sessions idle
        in a transaction past theirs (lb.enforce_limits), which a session cannot lift."""
        try:
            with psycopg.connect(
                self.settings.database_url,
                autocommit=True,
                connect_timeout=5,
                application_name="leaderboard-bridge-limits",
            ) as conn:
                acted = conn.execute(
                    "select pid, login, action, seconds from lb.enforce_limits()"
                ).fetchall()
            for pid, login, action, seconds in acted:
                log.warning(
                    "limit_enforced", pid=pid, login=login, action=action, seconds=round(seconds, 1)
                )
        except psycopg.Error as exc:
            log.warning("enforce_limits_failed", error=_first_line(exc))

    def _sample(self) -> None:
        """The sampling check (bridge.sampler), on connections of its own."""
        sampler = Sampler(
            lambda: psycopg.connect(
                self.settings.database_url,
                autocommit=True,
                connect_timeout=5,
                application_name="leaderboard-bridge-sample",
            ),
            self.writer,
            self.status,
            boards=self._boards,
            size=self.settings.sample_size,
        )
        try:
            sampler.check()
        except (psycopg.Error, redis.RedisError) as exc:
            log.warning("sample_failed", error=_first_line(exc))

    def _heartbeat(self) -> None:
        """The heartbeat hash expires if the bridge dies; the registry (a sorted set scored by
        heartbeat time) lets readers find live bridges without scanning the keyspace."""
        key = self.keys.bridge(self.status.bridge_id)
        now = time.time()
        try:
            pipe = self.redis.pipeline(transaction=not redisconn.clustered(self.redis))
            pipe.hset(key, mapping=self.status.heartbeat().to_fields())
            pipe.pexpire(key, HEARTBEAT_TTL_MS)
            pipe.zadd(self.keys.bridges, {self.status.bridge_id: now})
            pipe.zremrangebyscore(self.keys.bridges, "-inf", now - HEARTBEAT_TTL_MS / 1000)
            pipe.execute()
        except redis.RedisError:
            pass  # the session loop reports Redis outages


# malformed hints since the last line about them, and when that line was written
_bad_hints = {"count": 0, "logged_at": 0.0}
BAD_HINT_LOG_S = 10.0


def _check_hint(hint: psycopg.Notify) -> None:
    """Hints carry no data (the feed is the truth), but malformed ones are worth a log line:
    one per BAD_HINT_LOG_S with their count (anyone who may NOTIFY could otherwise write
    20,000 lines a second into this log)."""
    try:
        payload = json.loads(hint.payload)
        if not isinstance(payload, dict) or payload.get("v") != 1:
            raise ValueError("unexpected shape")
    except ValueError:
        _bad_hints["count"] += 1
        now = time.monotonic()
        if now - _bad_hints["logged_at"] >= BAD_HINT_LOG_S:
            log.warning(
                "bad_notification",
                channel=hint.channel,
                payload=hint.payload[:200],
                since_last_line=_bad_hints["count"],
            )
            _bad_hints.update(count=0, logged_at=now)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def run(settings: config.Settings) -> int:
    bridge = Bridge(settings)

    def on_signal(signum: int, _frame: object) -> None:
        bridge.request_stop(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        bridge.run()
    except SchemaOutOfDate as exc:
        log.error("schema_out_of_date", error=exc.message)
        raise
    return 0
