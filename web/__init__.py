"""The Flask app: create_app() builds it; `leaderboard web` serves served_app() with granian."""

from __future__ import annotations

import atexit
import ctypes
import multiprocessing
import os
import signal
import sys
from dataclasses import replace
from typing import Any

from flask import Flask, request
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from leaderboard import config, logs
from web import (
    api,
    boards_api,
    dashboard,
    errors,
    moderation_api,
    monitoring,
    openapi,
    server,
    stream,
)
from web.services import Services

# the one write any page may make cross-origin, as the original allowed
SUBMIT_PATH = "/api/leaderboard/submit"

# The dashboard loads only its own script and stylesheet; nothing may frame it.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Configuration in layers, as in Flask's tutorial: defaults, the environment
    (leaderboard.config), then test overrides (a dict of Settings fields)."""
    settings = config.Settings.from_env()
    if test_config:
        settings = replace(settings, **test_config)
    logs.setup(settings.log_level)

    app = Flask(__name__)
    if settings.web_trusted_proxies:
        # the client's address as the nearest trusted proxy saw it: what the rate limit and
        # the live-stream share key on (a header from further out could be the client's own)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.web_trusted_proxies)  # type: ignore[method-assign]
    app.config.update(
        SETTINGS=settings,
        MAX_CONTENT_LENGTH=errors.MAX_BODY_BYTES,
    )
    app.json.sort_keys = False
    # `//api/...` is not a path of ours: no redirect (whose Location the Host header would
    # choose), a 404 like any other unknown path
    app.url_map.merge_slashes = False

    svc = Services(settings)
    app.extensions["leaderboard"] = svc
    app.extensions["leaderboard.events"] = stream.EventHub(
        svc.redis, svc.keys.events, max_clients=max(1, settings.web_threads // 2)
    )
    atexit.register(svc.close)
    atexit.register(app.extensions["leaderboard.events"].close)  # stop the SSE listener

    # Cross-origin: the reads and the submit, as the original allowed any page to use them;
    # never an admin write (seed, the boards' life cycle), which a page elsewhere could
    # otherwise make on a developer's open server: its preflight and its answer get no CORS
    # headers (a browser then neither sends nor reads it), and a request that names a
    # foreign Origin is refused anyway (web.auth.require_admin). Registered before CORS, so
    # it runs after it (Flask runs after_request hooks last registered first).
    @app.after_request
    def no_cross_origin_admin_writes(response):
        method = request.method
        if method == "OPTIONS":
            method = request.headers.get("Access-Control-Request-Method", "").upper()
        if method in {"POST", "PUT", "PATCH", "DELETE"} and request.path != SUBMIT_PATH:
            for name in [h for h, _ in response.headers.items() if h.startswith("Access-Control-")]:
                del response.headers[name]
        return response

    CORS(
        app,
        resources={
            r"^/api/leaderboard/(top|rank/[^/]*|around/[^/]*|sessions/[^/]*|stream|submit)$": {
                "origins": "*"
            },
            r"^/api/boards(/[^/]+(/top|/stream|/rank/[^/]*|/around/[^/]*)?)?$": {
                "origins": "*",
                "methods": ["GET"],
            },
            r"^/api/openapi\.json$": {"origins": "*", "methods": ["GET"]},
        },
        methods=["GET", "POST"],
        allow_headers=["Content-Type", "Authorization", "Idempotency-Key"],
        expose_headers=["Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining"],
    )

    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=settings.redis_url,
        # every key under the project prefix, so a Redis ACL can confine the web user to it
        storage_options={"key_prefix": svc.keys.ratelimit},
        strategy="moving-window",
        headers_enabled=True,
        swallow_errors=True,  # Redis down: count in memory rather than fail requests
        in_memory_fallback_enabled=True,
        enabled=settings.rate_limit.lower() != "off",
    )
    if settings.rate_limit.lower() != "off":
        # one budget per client address across all of /api/, as the original's 100/min
        for blueprint in (api.bp, stream.bp, boards_api.bp, moderation_api.bp):
            limiter.shared_limit(settings.rate_limit, scope="api")(blueprint)

    for blueprint in (
        api.bp,
        boards_api.bp,
        moderation_api.bp,
        stream.bp,
        monitoring.bp,
        openapi.bp,
        dashboard.bp,
    ):
        app.register_blueprint(blueprint)
    errors.register(app)
    monitoring.instrument(app)

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.path.startswith("/api/") and response.mimetype == "application/json":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


def served_app() -> server.Transport:
    """The app as a server process runs it (granian's --factory, RSGI): create_app() behind
    the transport that bounds what a request may cost (web.server), plus open live streams
    ending as soon as the process is told to stop."""
    app = create_app()
    settings: config.Settings = app.config["SETTINGS"]
    _leave_the_terminals_group()
    return server.Transport(
        app,
        settings.web_threads,
        server.Limits(body_timeout_s=settings.web_read_timeout_ms / 1000),
        on_stop=[app.extensions["leaderboard.events"].end_streams],
    )


def _leave_the_terminals_group() -> None:
    """A granian worker takes a process group of its own, so that only its server stops it.

    Ctrl-C signals the terminal's whole group: the server process, which then stops each
    worker with SIGTERM, and, unless they left it, the workers themselves. A worker that gets
    two stop signals can hang: granian's handler hands each one to a one-slot channel while
    holding the GIL, the second waits for the first to be taken, and the code that takes it
    needs the GIL to finish the shutdown. The server then kills the worker after
    --workers-kill-timeout (in about half of the runs of
    test_ctrl_c_on_run_with_a_dashboard_open_stops_cleanly, before this). Only workers leave
    (the server process has no multiprocessing parent). So that a group killed with -9 still
    takes its workers along, a worker that left asks Linux to send it SIGTERM when its server
    dies (prctl PR_SET_PDEATHSIG)."""
    if multiprocessing.parent_process() is None or os.getpid() == os.getpgrp():
        return
    os.setpgid(0, 0)
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != multiprocessing.parent_process().pid:  # it died before that
            os.kill(os.getpid(), signal.SIGTERM)
