"""GET /api/openapi.json: the OpenAPI 3.1 document of the HTTP API.

Request bodies come from the pydantic models that validate them (web.validation), so the
document cannot drift from what the server accepts; response shapes are declared here.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import Blueprint, jsonify
from pydantic import BaseModel, ConfigDict

from leaderboard import rules
from leaderboard.rules import BOARD_ID_PATTERN, Aggregate, GameMode, Reset, TieBreak
from web.boards_api import BoardCreate, BoardUpdate
from web.moderation_api import RULE_ID_PATTERN, Review, RuleCreate, RuleUpdate
from web.validation import MAX_ID, QUERY_BOUNDS, SeedRequest, SubmitRequest

bp = Blueprint("openapi", __name__)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorBody(Strict):
    code: str
    message: str
    field: str | None = None


class ErrorResponse(Strict):
    success: Literal[False]
    error: ErrorBody


class CountedOn(Strict):
    board: str
    period_start: str | None
    value: int


class Submitted(Strict):
    session_id: int
    user_id: int
    score: int
    total_score: int
    boards: list[CountedOn]


class SubmitResponse(Strict):
    success: Literal[True]
    data: Submitted


class Held(Strict):
    """A session a plausibility rule held: recorded, counted on no board (boards is empty)
    until a moderator approves it; total_score is the player's total without it. A retry
    with the same Idempotency-Key answers the same, also after the session was reviewed."""

    session_id: int
    user_id: int
    score: int
    total_score: int
    boards: list[CountedOn]
    held: Literal[True]
    rule: str


class HeldResponse(Strict):
    success: Literal[True]
    data: Held


class RankedPlayer(Strict):
    rank: int | None
    user_id: int
    username: str | None
    total_score: int


class PlayerRank(Strict):
    user_id: int
    username: str | None
    total_score: int
    rank: int | None


class Session(Strict):
    session_id: int
    score: int
    game_mode: GameMode
    played_at: str


Source = Literal["redis", "postgres"]


class TopResponse(Strict):
    success: Literal[True]
    data: list[RankedPlayer]
    source: Source
    as_of: str
    cached: bool
    next_refresh_at: str | None = None
    possibly_stale: bool | None = None


class RankResponse(Strict):
    success: Literal[True]
    data: PlayerRank
    source: Source
    as_of: str
    possibly_stale: bool | None = None


class AroundResponse(Strict):
    success: Literal[True]
    data: list[RankedPlayer]
    source: Source
    as_of: str
    user_id: int
    possibly_stale: bool | None = None


class SessionsResponse(Strict):
    success: Literal[True]
    data: list[Session]
    source: Source
    as_of: str
    user_id: int


class Seeded(Strict):
    users_created: int
    sessions_created: int
    players_ranked: int
    cleared: bool
    elapsed_seconds: float


class SeedResponse(Strict):
    success: Literal[True]
    data: Seeded


class PeriodBounds(Strict):
    start: str | None
    end: str | None


class Board(Strict):
    id: str
    game_mode: GameMode | None
    aggregate: Aggregate
    reset: Reset
    reset_every: str | None
    reset_anchor: str | None
    time_zone: str
    tie_break: TieBreak
    retain_periods: int
    starts_at: str | None
    ends_at: str | None
    enabled: bool
    period: PeriodBounds
    next_reset_at: str | None
    players: int


class BoardPeriod(Strict):
    start: str | None
    end: str | None
    players: int


class BoardDetail(Board):
    periods: list[BoardPeriod]


class BoardsResponse(Strict):
    success: Literal[True]
    data: list[Board]


class BoardResponse(Strict):
    success: Literal[True]
    data: Board


class BoardDetailResponse(Strict):
    success: Literal[True]
    data: BoardDetail


class Deleted(Strict):
    id: str
    entries_deleted: int


class DeletedResponse(Strict):
    success: Literal[True]
    data: Deleted


class BoardTopResponse(TopResponse):
    board: str
    period: PeriodBounds


class BoardRankResponse(RankResponse):
    board: str
    period: PeriodBounds


class BoardAroundResponse(AroundResponse):
    board: str
    period: PeriodBounds


class HealthResponse(BaseModel):
    status: Literal["healthy", "degraded"]
    mode: str
    checks: dict[str, Any]
    down: list[str] | None = None
    warnings: list[str] | None = None


class RuleView(Strict):
    id: str
    kind: Literal["max_score", "max_submits_per_minute", "max_gain_per_period"]
    threshold: int
    game_mode: str | None
    board: str | None
    enabled: bool
    created_at: str
    created_by: str


class RulesResponse(Strict):
    success: Literal[True]
    data: list[RuleView]


class RuleResponse(Strict):
    success: Literal[True]
    data: RuleView


class RuleDeleted(Strict):
    id: str
    still_held: int


class RuleDeletedResponse(Strict):
    success: Literal[True]
    data: RuleDeleted


class HeldSession(Strict):
    session_id: int
    user_id: int
    username: str
    score: int
    game_mode: str
    played_at: str
    held_by: str
    written_by: str | None


class HeldListResponse(Strict):
    success: Literal[True]
    data: list[HeldSession]


class Reviewed(Strict):
    session_id: int
    review: Literal["approved", "rejected"]
    boards: list[CountedOn] | None = None


class ReviewResponse(Strict):
    success: Literal[True]
    data: Reviewed


class LoggedSession(Strict):
    session_id: int
    score: int
    game_mode: str
    played_at: str
    written_by: str | None
    held_by: str | None
    review: Literal["held", "approved", "rejected"] | None


class SessionLogResponse(Strict):
    success: Literal[True]
    data: list[LoggedSession]


class AuditEntry(Strict):
    audit_id: int
    at: str
    actor: str
    action: str
    subject: str | None
    reason: str | None
    details: dict[str, Any]


class AuditResponse(Strict):
    success: Literal[True]
    data: list[AuditEntry]


MODELS: list[type[BaseModel]] = [
    RuleCreate,
    RuleUpdate,
    Review,
    RuleView,
    RulesResponse,
    RuleResponse,
    RuleDeleted,
    RuleDeletedResponse,
    HeldSession,
    HeldListResponse,
    Reviewed,
    ReviewResponse,
    AuditEntry,
    AuditResponse,
    LoggedSession,
    SessionLogResponse,
    SubmitRequest,
    BoardCreate,
    BoardUpdate,
    BoardsResponse,
    BoardResponse,
    BoardDetailResponse,
    DeletedResponse,
    BoardTopResponse,
    BoardRankResponse,
    BoardAroundResponse,
    SeedRequest,
    ErrorResponse,
    ErrorBody,
    SubmitResponse,
    Submitted,
    HeldResponse,
    Held,
    TopResponse,
    RankedPlayer,
    RankResponse,
    PlayerRank,
    AroundResponse,
    SessionsResponse,
    Session,
    SeedResponse,
    Seeded,
    HealthResponse,
]


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _json(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _errors(*statuses: int) -> dict[str, Any]:
    text = {
        400: "invalid input (the message names the field)",
        401: "missing or wrong token",
        403: "admin actions disabled",
        404: "unknown player, board (BOARD_NOT_FOUND) or period (PERIOD_NOT_FOUND)",
        409: "a board with that id exists (BOARD_EXISTS)",
        413: "body over 1 kB",
        422: "idempotency key reused with another body, or total would pass 2^53-1",
        429: "rate limited",
        503: "a backing service is unavailable",
    }
    return {str(s): _json(ErrorResponse, text[s]) for s in statuses}


USER_ID = {
    "name": "user_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
}


def _query(name: str, default: int) -> dict[str, Any]:
    """A read's query parameter, bounded as the handlers bound it (web.validation)."""
    low, high = QUERY_BOUNDS[name]
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": low, "maximum": high, "default": default},
    }


BOARD = {
    "name": "board",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": BOARD_ID_PATTERN},
}
PERIOD = {
    "name": "period",
    "in": "query",
    "required": False,
    "description": "current (default), previous, or a period's start (ISO 8601, with offset)",
    "schema": {"type": "string", "default": "current"},
}


def _board_paths() -> dict[str, Any]:
    admin = {"security": [{"admin": []}]}
    return {
        "/api/boards": {
            "get": {
                "summary": "Every enabled board, global first",
                "responses": {"200": _json(BoardsResponse, "the boards"), **_errors(429, 503)},
            },
            "post": {
                "summary": "Create a board (admin), optionally filled from the session log",
                **admin,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(BoardCreate)}},
                },
                "responses": {
                    "201": _json(BoardResponse, "created"),
                    **_errors(400, 401, 403, 409, 413, 429, 503),
                },
            },
        },
        "/api/boards/{board}": {
            "get": {
                "summary": "One board and its readable periods",
                "parameters": [BOARD],
                "responses": {
                    "200": _json(BoardDetailResponse, "the board"),
                    **_errors(400, 404, 429, 503),
                },
            },
            "patch": {
                "summary": "Change enabled, retain_periods or ends_at (admin)",
                **admin,
                "parameters": [BOARD],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(BoardUpdate)}},
                },
                "responses": {
                    "200": _json(BoardResponse, "updated"),
                    **_errors(400, 401, 403, 404, 413, 429, 503),
                },
            },
            "delete": {
                "summary": "Delete a board and its values; sessions stay (admin)",
                **admin,
                "parameters": [BOARD],
                "responses": {
                    "200": _json(DeletedResponse, "deleted"),
                    **_errors(400, 401, 403, 404, 429, 503),
                },
            },
        },
        "/api/boards/{board}/top": {
            "get": {
                "summary": "A page of a board in one period",
                "parameters": [
                    BOARD,
                    _query("limit", rules.DEFAULT_PAGE),
                    _query("offset", 0),
                    PERIOD,
                ],
                "responses": {
                    "200": _json(BoardTopResponse, "a page"),
                    **_errors(400, 404, 429, 503),
                },
            }
        },
        "/api/boards/{board}/rank/{user_id}": {
            "get": {
                "summary": "A player's rank and value on a board in one period",
                "parameters": [BOARD, USER_ID, PERIOD],
                "responses": {
                    "200": _json(BoardRankResponse, "the player"),
                    **_errors(400, 404, 429, 503),
                },
            }
        },
        "/api/boards/{board}/around/{user_id}": {
            "get": {
                "summary": "The players ranked just above and below a player on a board",
                "parameters": [BOARD, USER_ID, _query("radius", rules.DEFAULT_RADIUS), PERIOD],
                "responses": {
                    "200": _json(BoardAroundResponse, "the window, in board order"),
                    **_errors(400, 404, 429, 503),
                },
            }
        },
        "/api/boards/{board}/stream": {
            "get": {
                "summary": "Server-Sent Events of a board: top10, refresh and reset events",
                "parameters": [BOARD],
                "responses": {
                    "200": {
                        "description": "an event stream",
                        "content": {"text/event-stream": {"schema": {"type": "string"}}},
                    },
                    **_errors(400, 404, 429, 503),
                },
            }
        },
    }


RULE = {
    "name": "rule_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": RULE_ID_PATTERN},
}
SESSION_ID = {
    "name": "session_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
}


def _optional(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


ID_QUERY = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
TEXT_QUERY = {"type": "string", "minLength": 1, "maxLength": 100}
SINCE = _optional("since", {"type": "string", "format": "date-time"}, "ISO 8601, with offset")


def _moderation_paths() -> dict[str, Any]:
    admin = {"security": [{"admin": []}]}
    review = {
        "required": False,
        "content": {"application/json": {"schema": _ref(Review)}},
    }
    return {
        "/api/admin/rules": {
            "get": {
                "summary": "Every plausibility rule (admin)",
                **admin,
                "responses": {
                    "200": _json(RulesResponse, "the rules"),
                    **_errors(401, 403, 429, 503),
                },
            },
            "post": {
                "summary": "Create a plausibility rule: sessions that break it are held (admin)",
                **admin,
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(RuleCreate)}},
                },
                "responses": {
                    "201": _json(RuleResponse, "created"),
                    **_errors(400, 401, 403, 404, 409, 413, 429, 503),
                },
            },
        },
        "/api/admin/rules/{rule_id}": {
            "patch": {
                "summary": "Turn a rule on or off, or change its threshold (admin)",
                **admin,
                "parameters": [RULE],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(RuleUpdate)}},
                },
                "responses": {
                    "200": _json(RuleResponse, "updated"),
                    **_errors(400, 401, 403, 404, 413, 429, 503),
                },
            },
            "delete": {
                "summary": "Delete a rule; the sessions it held stay held (admin)",
                **admin,
                "parameters": [RULE],
                "responses": {
                    "200": _json(RuleDeletedResponse, "deleted"),
                    **_errors(400, 401, 403, 404, 429, 503),
                },
            },
        },
        "/api/admin/held": {
            "get": {
                "summary": "The held queue, oldest first, paged by session id (admin)",
                **admin,
                "parameters": [
                    _optional("rule", TEXT_QUERY, "held by this rule"),
                    _optional("game_mode", TEXT_QUERY, "of this mode"),
                    _optional("player", ID_QUERY, "of this player"),
                    SINCE,
                    _query("limit", 50),
                    _optional("after", ID_QUERY, "the last session id of the previous page"),
                ],
                "responses": {
                    "200": _json(HeldListResponse, "a page of the queue"),
                    **_errors(400, 401, 403, 429, 503),
                },
            }
        },
        **{
            f"/api/admin/held/{{session_id}}/{action}": {
                "post": {
                    "summary": summary,
                    **admin,
                    "parameters": [SESSION_ID],
                    "requestBody": review,
                    "responses": {
                        "200": _json(ReviewResponse, "reviewed"),
                        **_errors(400, 401, 403, 404, 409, 413, 429, 503),
                    },
                }
            }
            for action, summary in (
                ("approve", "Count a held session as if accepted when played (admin)"),
                ("reject", "Keep a held session in the log, counted nowhere (admin)"),
            )
        },
        "/api/admin/players/{user_id}/sessions": {
            "get": {
                "summary": "A player's sessions with who wrote each and any review (admin)",
                **admin,
                "parameters": [
                    USER_ID,
                    _query("limit", rules.DEFAULT_SESSIONS_PAGE),
                    _optional("before", ID_QUERY, "the last session id of the previous page"),
                ],
                "responses": {
                    "200": _json(SessionLogResponse, "newest first"),
                    **_errors(400, 401, 403, 404, 429, 503),
                },
            }
        },
        "/api/admin/audit": {
            "get": {
                "summary": "The audit log, newest first, paged by audit id (admin)",
                **admin,
                "parameters": [
                    _optional("player", ID_QUERY, "actions on this player"),
                    _optional("subject", TEXT_QUERY, "key:NAME, rule:ID or player:ID"),
                    _optional("action", TEXT_QUERY, "key_created, session_approved, ..."),
                    SINCE,
                    _query("limit", 50),
                    _optional("before", ID_QUERY, "the last audit id of the previous page"),
                ],
                "responses": {
                    "200": _json(AuditResponse, "a page of the log"),
                    **_errors(400, 401, 403, 429, 503),
                },
            }
        },
    }


def document() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for model in MODELS:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SQL-first gaming leaderboard",
            "version": "1.0.0",
            "description": "Compatible with the original Node.js API; see README.",
        },
        "paths": {
            **_board_paths(),
            **_moderation_paths(),
            "/api/leaderboard/submit": {
                "post": {
                    "summary": "Submit a game score",
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "schema": {
                                "type": "string",
                                "minLength": 1,
                                "maxLength": rules.MAX_KEY_LENGTH,
                            },
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(SubmitRequest)}},
                    },
                    # a server key in production; open where LEADERBOARD_SUBMIT_AUTH=open
                    # and in development (the empty requirement: none needed)
                    "security": [{"server_key": []}, {}],
                    "responses": {
                        "201": _json(SubmitResponse, "recorded"),
                        "202": _json(
                            HeldResponse,
                            "recorded but held by a plausibility rule: counted on no board "
                            "until a moderator approves it",
                        ),
                        **_errors(400, 404, 413, 422, 429, 503),
                        "401": _json(
                            ErrorResponse,
                            "no server key (UNAUTHORIZED), or not a valid one: unknown, "
                            "revoked or rotated away (INVALID_KEY)",
                        ),
                        "403": _json(
                            ErrorResponse, "the key may not submit this game mode (KEY_NOT_ALLOWED)"
                        ),
                    },
                }
            },
            "/api/leaderboard/top": {
                "get": {
                    "summary": "Top players (the cached top 10 by default)",
                    "parameters": [
                        _query("limit", rules.DEFAULT_PAGE),
                        _query("offset", 0),
                    ],
                    "responses": {
                        "200": _json(TopResponse, "a page of the leaderboard"),
                        **_errors(400, 429, 503),
                    },
                }
            },
            "/api/leaderboard/rank/{user_id}": {
                "get": {
                    "summary": "A player's rank and total",
                    "parameters": [USER_ID],
                    "responses": {
                        "200": _json(RankResponse, "the player"),
                        **_errors(400, 404, 429, 503),
                    },
                }
            },
            "/api/leaderboard/around/{user_id}": {
                "get": {
                    "summary": "The players ranked just above and below a player",
                    "parameters": [USER_ID, _query("radius", rules.DEFAULT_RADIUS)],
                    "responses": {
                        "200": _json(AroundResponse, "the window, in leaderboard order"),
                        **_errors(400, 404, 429, 503),
                    },
                }
            },
            "/api/leaderboard/sessions/{user_id}": {
                "get": {
                    "summary": "A player's most recent game sessions",
                    "parameters": [USER_ID, _query("limit", rules.DEFAULT_SESSIONS_PAGE)],
                    "responses": {
                        "200": _json(SessionsResponse, "newest first"),
                        **_errors(400, 404, 429, 503),
                    },
                }
            },
            "/api/leaderboard/seed": {
                "post": {
                    "summary": "Generate players and sessions (admin)",
                    "security": [{"admin": []}],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(SeedRequest)}},
                    },
                    "responses": {
                        "200": _json(SeedResponse, "seeded"),
                        **_errors(400, 401, 403, 413, 429, 503),
                    },
                }
            },
            "/api/leaderboard/stream": {
                "get": {
                    "summary": "Server-Sent Events: top10 and refresh events",
                    "responses": {
                        "200": {
                            "description": "an event stream",
                            "content": {"text/event-stream": {"schema": {"type": "string"}}},
                        },
                        **_errors(429, 503),
                    },
                }
            },
            "/health": {
                "get": {
                    "summary": "Health of PostgreSQL, Redis and the bridge",
                    "responses": {
                        "200": _json(HealthResponse, "healthy"),
                        "503": _json(HealthResponse, "degraded: names what is down"),
                    },
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics",
                    "responses": {
                        "200": {
                            "description": "text format",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "admin": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "LEADERBOARD_ADMIN_TOKEN",
                },
                "server_key": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a server key (`leaderboard keys create NAME`)",
                },
            },
        },
    }


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(document())
