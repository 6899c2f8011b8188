"""/api/boards: every board, its periods, its reads, and (admin) its life cycle.

Reads have the envelope and limits of /api/leaderboard/*, plus `board` and `period`
({start, end}; null bounds for an all-time board). `period` is `current` (the default),
`previous`, or a period's start as an ISO 8601 time. A past period is read from Redis while its
set is there, from PostgreSQL otherwise; `source` says which.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from flask import Blueprint, current_app, jsonify, request
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, NaiveDatetime

from leaderboard import durations, rules, sqlapi
from leaderboard.clock import InstantError, iso, parse_instant
from leaderboard.errors import LeaderboardError
from leaderboard.rules import (
    BOARD_ID_PATTERN,
    Aggregate,
    GameMode,
    Reset,
    TieBreak,
)
from web.auth import require_admin
from web.directory import Period, parse_board, parse_period
from web.reads import ReadResult, Reads
from web.services import Services
from web.stream import event_stream
from web.validation import page_limit, page_offset, parse_body, path_id, radius

bp = Blueprint("boards", __name__, url_prefix="/api/boards")


def _instant(raw: object) -> object:
    """A time from a request body, read as every time the API takes (leaderboard.clock)."""
    if not isinstance(raw, str):
        return raw  # pydantic refuses it as not a time
    try:
        return parse_instant(raw)
    except InstantError as exc:
        raise ValueError(str(exc)) from None


def _duration(raw: str) -> str:
    if not durations.is_iso(raw):
        raise ValueError(durations.RULE)
    return raw


# Times with a zone, read by leaderboard.clock (one reader for query, body and CLI); a length
# in ISO 8601 that PostgreSQL reads as written (lb.create_board refuses months, not this);
# a local time without an offset; a time zone name (lb.create_board checks it is one).
Instant = Annotated[datetime, BeforeValidator(_instant)]
Duration = Annotated[
    str, AfterValidator(_duration), Field(json_schema_extra={"format": "duration"})
]
TimeZone = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_+\-/]+$")]


class BoardCreate(BaseModel):
    """The fields of lb.create_board; the database checks the rest (time zone names,
    combinations, the times a board may have) and its errors name the field."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: Annotated[str, Field(pattern=BOARD_ID_PATTERN)] = Field(description="the board's slug")
    game_mode: GameMode | None = Field(None, description="null: every mode")
    aggregate: Aggregate = "sum"
    reset: Reset = "never"
    reset_every: Duration | None = Field(
        None, description="reset fixed: ISO 8601 duration, whole days (P28D) or under a day"
    )
    reset_anchor: NaiveDatetime | None = Field(
        None, description="reset fixed: a local time in time_zone, no offset"
    )
    time_zone: TimeZone = "UTC"
    tie_break: TieBreak = "shared"
    retain_periods: Annotated[int, Field(strict=True, ge=0, le=rules.MAX_RETAIN_PERIODS)] = 8
    starts_at: Instant | None = None
    ends_at: Instant | None = None
    enabled: bool = True
    backfill: bool = Field(False, description="fill its readable periods from the session log")


class BoardUpdate(BaseModel):
    """What may change (enabled, retain_periods, ends_at: null removes the end); the rest is
    accepted only so that a change to what the values mean gets its own clear error."""

    model_config = ConfigDict(extra="forbid", strict=True)

    enabled: bool | None = None
    retain_periods: Annotated[int, Field(strict=True, ge=0, le=rules.MAX_RETAIN_PERIODS)] | None = (
        None
    )
    ends_at: Instant | None = None
    game_mode: GameMode | None = None
    aggregate: Aggregate | None = None
    reset: Reset | None = None
    time_zone: TimeZone | None = None
    tie_break: TieBreak | None = None
    starts_at: Instant | None = None
    reset_every: Duration | None = None
    reset_anchor: NaiveDatetime | None = None


def services() -> Services:
    return current_app.extensions["leaderboard"]


def _time(value: datetime | None) -> str | None:
    return iso(value) if value is not None else None


def describe(row: dict[str, Any]) -> dict[str, Any]:
    """A row of lb.boards() as the API shows a board."""
    return {
        "id": row["board_id"],
        "game_mode": row["game_mode"],
        "aggregate": row["aggregate"],
        "reset": row["reset"],
        "reset_every": durations.iso(row["reset_every"])
        if row["reset_every"] is not None
        else None,
        "reset_anchor": row["reset_anchor"].isoformat() if row["reset_anchor"] else None,
        "time_zone": row["time_zone"],
        "tie_break": row["tie_break"],
        "retain_periods": row["retain_periods"],
        "starts_at": _time(row["starts_at"]),
        "ends_at": _time(row["ends_at"]),
        "enabled": row["enabled"],
        "period": {"start": _time(row["period_start"]), "end": _time(row["period_end"])},
        "next_reset_at": _time(row["next_reset_at"]),
        "players": row["players"],
    }


# -- the boards ---------------------------------------------------------------------------


@bp.get("")
def list_boards():
    boards = [describe(row) for row in services().boards.boards() if row["enabled"]]
    return jsonify({"success": True, "data": boards})


@bp.get("/<board>")
def show_board(board: str):
    directory = services().boards
    row = directory.board(parse_board(board))
    periods = [
        {"start": _time(p["period_start"]), "end": _time(p["period_end"]), "players": p["players"]}
        for p in directory.periods(board)
    ]
    return jsonify({"success": True, "data": {**describe(row), "periods": periods}})


@bp.post("")
def create_board():
    require_admin()
    body = parse_body(request, BoardCreate)
    fields = body.model_dump(exclude={"id"})
    try:
        with services().db() as conn:
            row = sqlapi.create_board(conn, body.id, **fields)
    except LeaderboardError as exc:
        if exc.field == "board_id":
            exc.field = "id"  # the SQL argument p_board_id is the body's `id`
        raise
    services().boards.forget()
    return jsonify({"success": True, "data": describe(row)}), 201


@bp.patch("/<board>")
def update_board(board: str):
    require_admin()
    board = parse_board(board)
    body = parse_body(request, BoardUpdate)
    fields = {name: getattr(body, name) for name in body.model_fields_set}
    if "ends_at" in fields and fields["ends_at"] is None:
        fields["ends_at"] = "infinity"  # null removes the end
    with services().db() as conn:
        row = sqlapi.update_board(conn, board, **fields)
    services().boards.forget()
    return jsonify({"success": True, "data": describe(row)})


@bp.delete("/<board>")
def delete_board(board: str):
    require_admin()
    board = parse_board(board)
    with services().db() as conn:
        deleted = sqlapi.delete_board(conn, board)
    services().boards.forget()
    return jsonify({"success": True, "data": {"id": board, "entries_deleted": deleted}})


# -- reads ----------------------------------------------------------------------------------


def _period(board: str) -> Period:
    return services().boards.resolve(parse_board(board), parse_period(request.args.get("period")))


def _answer(result: ReadResult, period: Period, **extra: Any):
    body = result.envelope()
    body["board"] = period.board
    body["period"] = period.describe()
    body.update(extra)
    return jsonify(body)


@bp.get("/<board>/top")
def top(board: str):
    limit = page_limit(request)
    offset = page_offset(request)
    period = _period(board)
    polled = limit == rules.DEFAULT_PAGE and offset == 0  # the request clients poll
    if polled and period.current and "period" not in request.args:
        body = services().top10_body(period.board)  # from memory
        if body is not None:
            return current_app.response_class(body, mimetype="application/json")
    result = Reads(services()).top(limit, offset, period)
    return _answer(result, period, cached=result.cached)


@bp.get("/<board>/rank/<user_id>")
def rank(board: str, user_id: str):
    period = _period(board)
    return _answer(Reads(services()).rank(path_id(user_id), period), period)


@bp.get("/<board>/around/<user_id>")
def around(board: str, user_id: str):
    period = _period(board)
    return _answer(Reads(services()).around(path_id(user_id), radius(request), period), period)


@bp.get("/<board>/stream")
def stream(board: str):
    # 404 for an unknown board, before the stream starts; from the index when it has the
    # board (PostgreSQL's list needs every shard of a sharded deployment)
    return event_stream(services().boards.resolve(parse_board(board), "current"))
