"""/health (which degraded mode is on) and /metrics (Prometheus text format).

Request metrics come from prometheus-client; each server worker process writes them to
PROMETHEUS_MULTIPROC_DIR and a scrape sums them. Bridge lag and cache age are read from Redis
at scrape time, from the heartbeats the bridges publish.
"""

from __future__ import annotations

import os
import time

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)
from prometheus_client.registry import Collector

from web.services import Services

bp = Blueprint("monitoring", __name__)

# One histogram: its _count series is the request count, by method, endpoint and status
# (a separate counter doubled the per-request metric writes).
LATENCY = Histogram(
    "leaderboard_http_request_duration_seconds",
    "HTTP requests by endpoint and status: latency, and in _count the number of requests",
    ["method", "endpoint", "status"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)


def services() -> Services:
    return current_app.extensions["leaderboard"]


@bp.get("/livez")
def livez():
    """Liveness: the process answers. Touches no backend, so it is also the trivial endpoint
    the HTTP benchmark compares the real ones against."""
    return jsonify({"status": "alive"})


@bp.get("/health")
def health():
    report = services().health.check()
    down = report.down
    checks: dict = {"db": report.db, "redis": report.redis, "bridge": report.bridge}
    if report.shards:
        checks["shards"] = report.shards
    if report.redis_nodes:
        checks["redis_nodes"] = report.redis_nodes
    body = {
        "status": "healthy" if not down else "degraded",
        "mode": report.mode,
        "checks": checks,
    }
    if down:
        body["down"] = down
    if report.warnings:
        body["warnings"] = report.warnings
    return jsonify(body), 200 if not down else 503


@bp.get("/metrics")
def metrics():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(LATENCY)
    registry.register(BridgeCollector(services()))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


class BridgeCollector(Collector):
    """Bridge lag, liveness and top-10 cache age, from Redis, at scrape time."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc

    def collect(self):
        up = GaugeMetricFamily("leaderboard_bridges_up", "bridges with a fresh heartbeat")
        redis_up = GaugeMetricFamily("leaderboard_redis_up", "1 if Redis answered the scrape")
        lag = HistogramMetricFamily(
            "leaderboard_bridge_lag_seconds", "commit-to-Redis propagation lag", labels=["bridge"]
        )
        p99 = GaugeMetricFamily(
            "leaderboard_bridge_lag_p99_seconds",
            "p99 propagation lag over the last 60 s",
            labels=["bridge"],
        )
        age = GaugeMetricFamily(
            "leaderboard_top10_cache_age_seconds", "seconds since the cached top 10 was built"
        )
        mismatches = CounterMetricFamily(
            "leaderboard_index_sample_mismatches",
            "index entries the bridge's sampling check found different from PostgreSQL "
            "(each makes it rebuild the board)",
            labels=["bridge"],
        )
        sampled = GaugeMetricFamily(
            "leaderboard_index_last_sample_timestamp_seconds",
            "when the bridge's sampling check last ran (0: not yet, or turned off)",
            labels=["bridge"],
        )
        shard_up = GaugeMetricFamily(
            "leaderboard_shard_up",
            "1 if the shard answers the proxy (a sharded deployment)",
            labels=["shard"],
        )
        node_up = GaugeMetricFamily(
            "leaderboard_redis_node_up",
            "1 if the Redis Cluster node is up (not marked failing), by node and role",
            labels=["node", "role"],
        )
        report = self.svc.health.current()
        for shard in report.shards:
            shard_up.add_metric([str(shard["shard"])], 1 if shard["up"] else 0)
        for node in report.redis_nodes:
            node_up.add_metric([node["node"], node["role"]], 1 if node["up"] else 0)
        yield from (shard_up, node_up)
        try:
            beats = self.svc.health.heartbeats()
            cache = self.svc.index.cached_top10()
            redis_up.add_metric([], 1)
        except Exception:  # a scrape must not fail because Redis did
            redis_up.add_metric([], 0)
            yield redis_up
            return
        up.add_metric([], len(beats))
        for beat in beats:
            name = beat.bridge_id
            lag.add_metric([name], beat.lag.cumulative(), sum_value=beat.lag.sum)
            if beat.lag_p99_ms is not None:
                p99.add_metric([name], beat.lag_p99_ms / 1000)
            mismatches.add_metric([name], beat.sample_mismatches_total)
            sampled.add_metric([name], beat.last_sample_at)
        if cache is not None:
            age.add_metric([], max(0.0, time.time() - cache["built_at_ms"] / 1000))
        yield from (up, redis_up, lag, p99, age, mismatches, sampled)


# No label takes a value the client chooses: a method outside this set is "other", a path
# no route matched is "unmatched" (a route's own pattern otherwise, never the path itself),
# and statuses are the app's own. Every new value would be a new series in every scrape.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def instrument(app: Flask) -> None:
    @app.before_request
    def _start_timer() -> None:
        g.started = time.perf_counter()

    @app.after_request
    def _record(response):
        # for the event stream this is the time to its first byte
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        method = request.method if request.method in METHODS else "other"
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        LATENCY.labels(method, endpoint, str(response.status_code)).observe(elapsed)
        return response
