"""/api/admin: fair play over HTTP, behind the admin token (open from localhost in
development, like every admin action): the plausibility rules, the held queue, and the audit
log. Each action runs the lb.* function a moderator's login runs (the CLI's `leaderboard
rules` / `moderate`), and the audit log names the admin token that took it."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Annotated, Any, Literal

from flask import Blueprint, current_app, jsonify, request
from pydantic import BaseModel, ConfigDict, Field

from leaderboard import rules, sqlapi
from leaderboard.clock import InstantError, iso, parse_instant
from leaderboard.rules import BOARD_ID_PATTERN, GameMode
from web.auth import require_admin
from web.errors import ApiError
from web.services import Services
from web.validation import page_limit, parse_body, path_id

bp = Blueprint("moderation", __name__, url_prefix="/api/admin")

RULE_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"
Kind = Literal["max_score", "max_submits_per_minute", "max_gain_per_period"]
Threshold = Annotated[int, Field(strict=True, ge=0, le=rules.MAX_VALUE)]
Reason = Annotated[str, Field(min_length=1, max_length=500)]


class RuleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: Annotated[str, Field(pattern=RULE_ID_PATTERN)] = Field(description="the rule's slug")
    kind: Kind
    threshold: Threshold
    game_mode: GameMode | None = Field(None, description="null: every mode")
    board: Annotated[str, Field(pattern=BOARD_ID_PATTERN)] | None = Field(
        None, description="max_gain_per_period: a sum board that resets"
    )


class RuleUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    enabled: bool | None = None
    threshold: Threshold | None = None


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    reason: Reason | None = Field(None, description="why, for the audit log")


def services() -> Services:
    return current_app.extensions["leaderboard"]


def actor() -> str:
    """Who the audit log says acted: which of the configured admin tokens was sent
    (`token:admin-1`, ...), or, where admin actions are open (development), the loopback
    developer."""
    supplied = request.headers.get("Authorization", "").partition(" ")[2]
    found = "token:development"
    for n, token in enumerate(current_app.config["SETTINGS"].admin_tokens, start=1):
        if hmac.compare_digest(supplied.encode(), token.encode()):
            found = f"token:admin-{n}"
    return found


def _time(value: datetime | None) -> str | None:
    return iso(value) if value is not None else None


def _rule(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["rule_id"],
        "kind": row["kind"],
        "threshold": row["threshold"],
        "game_mode": row["game_mode"],
        "board": row["board_id"],
        "enabled": row["enabled"],
        "created_at": _time(row["created_at"]),
        "created_by": row["created_by"],
    }


def _optional_id(name: str) -> int | None:
    raw = request.args.get(name)
    return None if raw is None else path_id(raw, name)


def _since() -> datetime | None:
    raw = request.args.get("since")
    if raw is None:
        return None
    try:
        return parse_instant(raw)
    except InstantError as exc:
        raise ApiError(400, "VALIDATION_ERROR", f"since {exc}", field="since") from None


def _review() -> Review:
    """The optional body of approve / reject: none, or {"reason": ...}."""
    return parse_body(request, Review) if request.get_data() else Review()


def _text(name: str) -> str | None:
    raw = request.args.get(name)
    if raw is not None and not (1 <= len(raw) <= 100 and raw.isprintable()):
        raise ApiError(
            400, "VALIDATION_ERROR", f"{name} must be 1 to 100 printable characters", field=name
        )
    return raw


# -- rules -------------------------------------------------------------------------------


@bp.get("/rules")
def list_rules():
    require_admin()
    with services().db() as conn:
        rows = sqlapi.list_rules(conn)
    return jsonify({"success": True, "data": [_rule(r) for r in rows]})


@bp.post("/rules")
def create_rule():
    require_admin()
    body = parse_body(request, RuleCreate)
    with services().db() as conn:
        row = sqlapi.create_rule(
            conn,
            body.id,
            body.kind,
            body.threshold,
            game_mode=body.game_mode,
            board=body.board,
            actor=actor(),
        )
    return jsonify({"success": True, "data": _rule(row)}), 201


@bp.patch("/rules/<rule_id>")
def update_rule(rule_id: str):
    require_admin()
    body = parse_body(request, RuleUpdate)
    if body.enabled is None and body.threshold is None:
        raise ApiError(400, "VALIDATION_ERROR", "give enabled or threshold to change")
    with services().db() as conn:
        row = sqlapi.update_rule(
            conn, rule_id, enabled=body.enabled, threshold=body.threshold, actor=actor()
        )
    return jsonify({"success": True, "data": _rule(row)})


@bp.delete("/rules/<rule_id>")
def delete_rule(rule_id: str):
    require_admin()
    with services().db() as conn:
        held = sqlapi.delete_rule(conn, rule_id, actor=actor())
    return jsonify({"success": True, "data": {"id": rule_id, "still_held": held}})


# -- the held queue ------------------------------------------------------------------------


@bp.get("/held")
def held():
    require_admin()
    filters = {
        "rule_id": _text("rule"),
        "game_mode": _text("game_mode"),
        "user_id": _optional_id("player"),
        "since": _since(),
        "limit": page_limit(request, 50),
        "after": _optional_id("after"),
    }
    with services().db() as conn:
        rows = sqlapi.held_sessions(conn, **filters)
    return jsonify(
        {
            "success": True,
            "data": [{**r, "played_at": _time(r["played_at"])} for r in rows],
        }
    )


@bp.post("/held/<session_id>/approve")
def approve(session_id: str):
    require_admin()
    body = _review()
    sid = path_id(session_id, "session_id")
    with services().db() as conn:
        boards = sqlapi.approve_session(conn, sid, body.reason, actor=actor())
    return jsonify(
        {"success": True, "data": {"session_id": sid, "review": "approved", "boards": boards}}
    )


@bp.post("/held/<session_id>/reject")
def reject(session_id: str):
    require_admin()
    body = _review()
    sid = path_id(session_id, "session_id")
    with services().db() as conn:
        sqlapi.reject_session(conn, sid, body.reason, actor=actor())
    return jsonify({"success": True, "data": {"session_id": sid, "review": "rejected"}})


# -- the audit log -------------------------------------------------------------------------


@bp.get("/audit")
def audit():
    require_admin()
    player = _optional_id("player")
    subject = f"player:{player}" if player is not None else _text("subject")
    with services().db() as conn:
        rows = sqlapi.audit_entries(
            conn,
            subject=subject,
            action=_text("action"),
            since=_since(),
            limit=page_limit(request, 50),
            before=_optional_id("before"),
        )
    return jsonify({"success": True, "data": [{**r, "at": _time(r["at"])} for r in rows]})


# -- a player's sessions -------------------------------------------------------------------


@bp.get("/players/<user_id>/sessions")
def player_sessions(user_id: str):
    """A player's sessions, newest first, with who wrote each and any rule's review."""
    require_admin()
    uid = path_id(user_id)
    with services().db() as conn:
        rows = sqlapi.session_log(
            conn, uid, page_limit(request, rules.DEFAULT_SESSIONS_PAGE), _optional_id("before")
        )
    return jsonify(
        {"success": True, "data": [{**r, "played_at": _time(r["played_at"])} for r in rows]}
    )
