"""The Flask app: create_app() builds it; `leaderboard web` serves served_app() with granian."""

from __future__ import annotations

import atexit
from dataclasses import replace
from typing import Any

from flask import Flask, request
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from leaderboard import config, logs
from web import api, boards_api, dashboard, errors, monitoring, openapi, stream
from web.services import Services

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
    app.config.update(
        SETTINGS=settings,
        MAX_CONTENT_LENGTH=1024,  # 1 kB: a submit is ~60 bytes; bigger bodies get 413
    )
    app.json.sort_keys = False

    svc = Services(settings)
    app.extensions["leaderboard"] = svc
    app.extensions["leaderboard.events"] = stream.EventHub(
        svc.redis, svc.keys.events, max_clients=max(1, settings.web_threads // 2)
    )
    atexit.register(svc.close)
    atexit.register(app.extensions["leaderboard.events"].close)  # stop the SSE listener

    CORS(
        app,
        resources={r"/api/*": {"origins": "*"}},
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
        for blueprint in (api.bp, stream.bp, boards_api.bp):
            limiter.shared_limit(settings.rate_limit, scope="api")(blueprint)

    for blueprint in (api.bp, boards_api.bp, stream.bp, monitoring.bp, openapi.bp, dashboard.bp):
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


def served_app() -> Flask:
    """The app as a server process runs it (granian's --factory): create_app(), plus open
    live streams ending as soon as the process is told to stop."""
    app = create_app()
    stream.end_streams_on_signals(app.extensions["leaderboard.events"])
    return app
