"""Admin actions: `Authorization: Bearer <token>` against LEADERBOARD_ADMIN_TOKEN.

Every configured token is compared in constant time (no early exit: which one matched is not
leaked by timing); tokens are never logged or echoed. In development mode
(LEADERBOARD_ENV=development) admin actions are open, except the destructive ones that are
marked so (wiping every player)."""

from __future__ import annotations

import hashlib
import hmac
import re
from urllib.parse import urlsplit

from flask import current_app, request

from web.errors import ApiError


def require_admin(*, destructive: bool = False) -> None:
    settings = current_app.config["SETTINGS"]
    _same_origin_only()
    if settings.development:
        _loopback_only()
    if settings.development and not destructive:
        return
    if not settings.admin_tokens:
        raise ApiError(
            403,
            "FORBIDDEN",
            "admin actions are disabled: set LEADERBOARD_ADMIN_TOKEN"
            + ("" if not destructive else " (this one always needs it)"),
        )
    supplied = request.headers.get("Authorization", "")
    scheme, _, credential = supplied.partition(" ")
    matched = False
    for token in settings.admin_tokens:
        matched |= hmac.compare_digest(credential.encode(), token.encode())
    if scheme.lower() != "bearer" or not matched:
        raise ApiError(
            401,
            "UNAUTHORIZED",
            "a valid 'Authorization: Bearer <admin token>' is required",
            headers={"WWW-Authenticate": 'Bearer realm="leaderboard"'},
        )


# what lb.create_key issues: `lbk_` and 64 hex digits
KEY_SECRET = re.compile(r"lbk_[0-9a-f]{64}")


def server_key_hash() -> bytes | None:
    """The SHA-256 of the server key a submit sends (`Authorization: Bearer <key>`), which
    lb.authenticate_key checks in the statement that submits; None where submits are open
    (LEADERBOARD_SUBMIT_AUTH=open, development mode) and none was sent. Checked before the
    body is read; the secret itself never leaves this process."""
    supplied = request.headers.get("Authorization")
    needs_key = current_app.config["SETTINGS"].submit_needs_key
    if supplied is not None and not needs_key and "lbk_" not in supplied:
        # the open contract: a header a gateway or an old client adds (Basic, a token) is
        # not a server key, and submits never needed one; only a key that is sent is checked
        supplied = None
    if supplied is None:
        if needs_key:
            raise ApiError(
                401,
                "UNAUTHORIZED",
                "a server key is required: 'Authorization: Bearer <key>' (create one with "
                "`leaderboard keys create NAME`)",
                headers={"WWW-Authenticate": 'Bearer realm="leaderboard"'},
            )
        return None
    scheme, _, credential = supplied.partition(" ")
    if scheme.lower() != "bearer" or not KEY_SECRET.fullmatch(credential.strip()):
        raise ApiError(
            401,
            "INVALID_KEY",
            "the server key is not valid: send 'Authorization: Bearer lbk_...', as "
            "`leaderboard keys create` printed it",
            headers={"WWW-Authenticate": 'Bearer realm="leaderboard", error="invalid_token"'},
        )
    return hashlib.sha256(credential.strip().encode()).digest()


def _same_origin_only() -> None:
    """Admin actions come from the operator's tools (no Origin) or the dashboard on this
    server (its own origin); a request a page of another origin made is refused, also where
    admin actions are open (development), so no page on the web can seed or change boards
    on a developer's machine."""
    origin = request.headers.get("Origin")
    if origin is None:
        return
    # the host alone: behind a proxy that ends TLS the scheme the app sees is http
    if urlsplit(origin).netloc != request.host:
        raise ApiError(
            403,
            "CROSS_ORIGIN",
            "admin actions are not accepted from another origin",
        )


LOOPBACK_NAMES = {"localhost", "127.0.0.1", "[::1]"}


def _loopback_only() -> None:
    """In development mode admin actions are open, for the developer at this machine: the
    request must name it as its host. A page whose domain its owner points at 127.0.0.1 (DNS
    rebinding) is same-origin with itself and passes the origin check, but names its own
    domain as the host."""
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    if host.lower() not in LOOPBACK_NAMES:
        raise ApiError(
            403,
            "FORBIDDEN",
            "in development mode admin actions are open only at localhost; set "
            "LEADERBOARD_ADMIN_TOKEN and use production mode to administer from elsewhere",
        )
