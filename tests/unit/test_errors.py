"""Error translation (SQLSTATE -> stable code) and request-body parsing, without servers: the
psycopg errors are built with the diagnostics PostgreSQL would send."""

from __future__ import annotations

import psycopg
import pytest
from flask import Flask
from psycopg.pq import DiagnosticField as F

from leaderboard import errors, rules
from leaderboard.errors import field_name, translate
from web.errors import ApiError
from web.validation import SubmitRequest, idempotency_key, page_limit, parse_body, radius


def sql_error(sqlstate: str, message: str, column: str | None = None, severity: str = "ERROR"):
    info = {
        F.SQLSTATE: sqlstate.encode(),
        F.MESSAGE_PRIMARY: message.encode(),
        F.SEVERITY_NONLOCALIZED: severity.encode(),
    }
    if column:
        info[F.COLUMN_NAME] = column.encode()
    try:
        kind = psycopg.errors.lookup(sqlstate)
    except KeyError:  # our own SQLSTATEs (LB001): psycopg raises its base class for them
        kind = psycopg.DatabaseError
    return kind(message, info=info)


def test_sql_argument_names_map_to_public_field_names():
    assert field_name("p_user_id") == "user_id"
    assert field_name("p_game_mode") == "game_mode"
    assert field_name(None) is None


@pytest.mark.parametrize(
    ("sqlstate", "column", "kind", "code", "status"),
    [
        ("22023", "p_score", errors.InvalidArgument, "VALIDATION_ERROR", 400),
        ("22003", "p_score", errors.TotalOutOfRange, "TOTAL_OUT_OF_RANGE", 422),
        ("P0002", "p_user_id", errors.NotFound, "NOT_FOUND", 404),
        ("P0002", "p_board", errors.BoardNotFound, "BOARD_NOT_FOUND", 404),
        ("P0002", "p_period", errors.PeriodNotFound, "PERIOD_NOT_FOUND", 404),
        ("23505", "p_username", errors.UsernameTaken, "USERNAME_TAKEN", 409),
        ("23505", "p_board_id", errors.BoardExists, "BOARD_EXISTS", 409),
        ("LB001", "p_idempotency_key", errors.IdempotencyKeyReused, "IDEMPOTENCY_KEY_REUSED", 422),
    ],
)
def test_each_sqlstate_becomes_its_stable_code(sqlstate, column, kind, code, status):
    found = translate(sql_error(sqlstate, f"{column} is wrong", column))
    assert type(found) is kind
    assert (found.code, found.http_status) == (code, status)
    # the message names the public field, not the SQL argument
    assert found.message == f"{field_name(column)} is wrong"
    assert found.field == field_name(column)


def test_an_unknown_sqlstate_is_an_internal_error():
    found = translate(sql_error("42P01", "relation does not exist"))
    assert (type(found), found.http_status) == (errors.LeaderboardError, 500)


def test_a_lost_connection_is_unavailable_for_reads_and_unknown_for_writes():
    lost = psycopg.OperationalError("server closed the connection unexpectedly")
    assert type(translate(lost)) is errors.Unavailable
    assert type(translate(lost, write=True)) is errors.OutcomeUnknown
    timeout = sql_error("57014", "canceling statement due to statement timeout")
    # an ERROR rolled the statement back: a definitive "not written", retry later
    assert type(translate(timeout, write=True)) is errors.Unavailable


def _request(body: bytes, content_type: str = "application/json", **headers: str):
    app = Flask(__name__)
    return app.test_request_context(
        "/?limit=7&radius=51", method="POST", data=body, content_type=content_type, headers=headers
    )


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (b"{", "INVALID_JSON", "the request body is not valid JSON"),
        (b"[1]", "INVALID_JSON", "the request body must be a JSON object"),
        (b'{"score": 1}', "VALIDATION_ERROR", "user_id is required"),
        (b'{"user_id": 1, "score": 1, "x": 1}', "VALIDATION_ERROR", "x is not an accepted field"),
        (b'{"user_id": "1", "score": 1}', "VALIDATION_ERROR", "user_id must be a positive integer"),
        (
            b'{"user_id": 1, "score": 1000001}',
            "VALIDATION_ERROR",
            f"score must be an integer from 0 to {rules.MAX_SCORE}",
        ),
        (b'{"user_id": 1, "score": 1, "game_mode": "x"}', "VALIDATION_ERROR", "game_mode must be"),
    ],
)
def test_bad_bodies_get_their_code_and_a_message_naming_the_field(body, code, message):
    from flask import request

    with _request(body), pytest.raises(ApiError) as raised:
        parse_body(request, SubmitRequest)
    assert (raised.value.http_status, raised.value.code) == (400, code)
    assert raised.value.message.startswith(message)


def test_a_good_body_parses_with_the_default_mode():
    from flask import request

    with _request(b'{"user_id": 3, "score": 40}'):
        body = parse_body(request, SubmitRequest)
    assert (body.user_id, body.score, body.game_mode) == (3, 40, rules.DEFAULT_GAME_MODE)


def test_the_wrong_content_type_is_refused():
    from flask import request

    with _request(b"{}", content_type="text/plain"), pytest.raises(ApiError) as raised:
        parse_body(request, SubmitRequest)
    assert raised.value.code == "INVALID_CONTENT_TYPE"


def test_query_parameters_and_headers_are_bounded_by_the_rules():
    from flask import request

    with _request(b"{}"):
        assert page_limit(request) == 7
        with pytest.raises(
            ApiError, match=f"radius must be an integer from 0 to {rules.MAX_RADIUS}"
        ):
            radius(request)
        assert idempotency_key(request) is None
    too_long = "k" * (rules.MAX_KEY_LENGTH + 1)
    with _request(b"{}", **{"Idempotency-Key": too_long}), pytest.raises(ApiError):
        idempotency_key(request)
