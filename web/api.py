"""/api/leaderboard: the original's contract (paths, envelope, status codes), its bugs fixed."""

from __future__ import annotations

import time

import redis
from flask import Blueprint, current_app, jsonify, request

from leaderboard import rules, sqlapi
from web.auth import require_admin, server_key_hash
from web.reads import Reads
from web.services import Services
from web.validation import (
    SeedRequest,
    SubmitRequest,
    idempotency_key,
    page_limit,
    page_offset,
    parse_body,
    path_id,
    radius,
)

bp = Blueprint("api", __name__, url_prefix="/api/leaderboard")


def services() -> Services:
    return current_app.extensions["leaderboard"]


def reads() -> Reads:
    return Reads(services())


@bp.post("/submit")
def submit():
    key_hash = server_key_hash()  # who asks first, before the body is read
    body = parse_body(request, SubmitRequest)
    key = idempotency_key(request)
    with services().db() as conn:
        row = sqlapi.submit_score(
            conn,
            body.user_id,
            body.score,
            body.game_mode,
            key,
            with_boards=True,
            key_hash=key_hash,
        )
    held_by = row.pop("held_by")
    if held_by is not None:
        # recorded, counted on no board until a moderator approves it ("flag, don't drop");
        # its retry answers the same
        row.pop("entries")
        return jsonify({"success": True, "data": {**row, "held": True, "rule": held_by}}), 202
    # committed: show it in the index before answering, so the client's next read sees it
    services().echo(row.pop("entries"))
    return jsonify({"success": True, "data": row}), 201


@bp.get("/top")
def top():
    limit = page_limit(request)
    offset = page_offset(request)
    # the request clients poll: answered from memory
    if limit == rules.DEFAULT_PAGE and offset == 0:
        try:
            body = services().top10_body(original=True)
        except redis.RedisError:
            body = None
        if body is not None:
            return current_app.response_class(body, mimetype="application/json")
    result = reads().top(limit, offset)
    body = result.envelope()
    body["cached"] = result.cached  # true only when served from the 10 s cache
    return jsonify(body)


@bp.get("/rank/<user_id>")
def rank(user_id: str):
    return jsonify(reads().rank(path_id(user_id)).envelope())


@bp.get("/around/<user_id>")
def around(user_id: str):
    return jsonify(reads().around(path_id(user_id), radius(request)).envelope())


@bp.get("/sessions/<user_id>")
def sessions(user_id: str):
    limit = page_limit(request, rules.DEFAULT_SESSIONS_PAGE)
    return jsonify(reads().sessions(path_id(user_id), limit).envelope())


@bp.post("/seed")
def seed():
    require_admin()  # who asks first: the body of an unauthenticated request is not read
    body = parse_body(request, SeedRequest)
    if body.clear_existing:
        require_admin(destructive=True)
    started = time.monotonic()
    with services().db() as conn:
        if body.clear_existing:
            sqlapi.clear_all(conn)
        result = sqlapi.seed(conn, body.user_count, body.user_count * body.sessions_per_user)
    return jsonify(
        {
            "success": True,
            "data": {
                **result,
                "cleared": body.clear_existing,
                "elapsed_seconds": round(time.monotonic() - started, 3),
            },
        }
    )
