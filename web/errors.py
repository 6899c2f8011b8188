"""The one place HTTP errors are shaped: every failure is the JSON envelope
{"success": false, "error": {"code", "message"[, "field"]}}, never an HTML page or a trace."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from leaderboard import logs
from leaderboard.errors import LeaderboardError

log = logs.get("web")

# The largest request body any endpoint takes: a submit is ~60 bytes, a board ~400. The
# transport (web.server) refuses more before the app sees it; the app keeps its own check.
MAX_BODY_BYTES = 1024

HTTP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "ROUTE_NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
    503: "SERVICE_UNAVAILABLE",
}

MESSAGES = {
    404: "no such endpoint",
    405: "method not allowed for this endpoint",
    413: f"request body exceeds the {MAX_BODY_BYTES}-byte limit",
    429: "too many requests: the limit is {limit}",
}


# a 401 says how to authenticate (RFC 6750), also when the database refused the key
CHALLENGES = {
    "INVALID_KEY": {"WWW-Authenticate": 'Bearer realm="leaderboard", error="invalid_token"'},
}


class ApiError(LeaderboardError):
    """A client mistake detected by the HTTP layer (bad JSON, bad header, bad auth)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self.http_status = status
        self.code = code
        self.headers = headers or {}


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    error = {"code": code, "message": message}
    if field:
        error["field"] = field
    return {"success": False, "error": error}


def error_json(code: str, message: str) -> bytes:
    """The envelope as bytes, for answers made before the app runs (web.server)."""
    return json.dumps(error_body(code, message)).encode()


def envelope(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
):
    response = jsonify(error_body(code, message, field))
    response.status_code = status
    response.headers.update(headers or {})
    return response


def register(app: Flask) -> None:
    @app.errorhandler(LeaderboardError)
    def domain_error(exc: LeaderboardError):
        if exc.http_status >= 500:
            # the client gets the stable code; the operator also needs what caused it
            cause = exc.__cause__
            log.warning(
                "request_failed",
                code=exc.code,
                error=exc.message,
                cause=f"{type(cause).__name__}: {cause}".strip() if cause else None,
            )
        headers = getattr(exc, "headers", None) or CHALLENGES.get(exc.code)
        return envelope(exc.http_status, exc.code, exc.message, exc.field, headers)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        message = MESSAGES.get(status, exc.description or "request failed")
        if status == 429:
            message = message.format(limit=getattr(exc, "description", "exceeded"))
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        return envelope(status, HTTP_CODES.get(status, "HTTP_ERROR"), message, headers=headers)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled_error", error=type(exc).__name__)
        return envelope(500, "INTERNAL_ERROR", "internal error; it has been logged")
