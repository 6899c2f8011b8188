"""Domain errors with stable codes, and the one place database errors are translated.

The SQL API raises documented SQLSTATEs (README "Errors"); everything above it (HTTP, CLI)
branches on these classes, never on message text.
"""

from __future__ import annotations

import psycopg


class LeaderboardError(Exception):
    """Something went wrong."""

    code = "INTERNAL_ERROR"
    http_status = 500

    def __init__(
        self, message: str | None = None, *, field: str | None = None, detail: str | None = None
    ) -> None:
        self.message = message or (self.__doc__ or "").strip()
        self.field = field
        self.detail = detail
        super().__init__(self.message)


class InvalidArgument(LeaderboardError):
    """An argument is missing or breaks its rule."""

    code = "VALIDATION_ERROR"
    http_status = 400


class NotFound(LeaderboardError):
    """No such player."""

    code = "NOT_FOUND"
    http_status = 404


class BoardNotFound(NotFound):
    """No such board."""

    code = "BOARD_NOT_FOUND"


class PeriodNotFound(NotFound):
    """That board has no such period: not one of its period starts, older than it keeps,
    or not begun yet."""

    code = "PERIOD_NOT_FOUND"


class BoardExists(LeaderboardError):
    """A board with that id already exists."""

    code = "BOARD_EXISTS"
    http_status = 409


class UsernameTaken(LeaderboardError):
    """That username is already taken."""

    code = "USERNAME_TAKEN"
    http_status = 409


class IdempotencyKeyReused(LeaderboardError):
    """This idempotency key was already used for a different request."""

    code = "IDEMPOTENCY_KEY_REUSED"
    http_status = 422


class TotalOutOfRange(LeaderboardError):
    """The player's total would exceed rules.MAX_VALUE (2^53-1, lb._max_value())."""

    code = "TOTAL_OUT_OF_RANGE"
    http_status = 422


class InvalidKey(LeaderboardError):
    """The server key is not valid: unknown, revoked, or replaced by a rotation."""

    code = "INVALID_KEY"
    http_status = 401


class KeyNotAllowed(LeaderboardError):
    """The server key may not submit this game mode."""

    code = "KEY_NOT_ALLOWED"
    http_status = 403


class KeyNotFound(NotFound):
    """No such server key (or it is revoked)."""

    code = "KEY_NOT_FOUND"


class KeyExists(LeaderboardError):
    """A server key with that name already exists."""

    code = "KEY_EXISTS"
    http_status = 409


class SessionNotFound(NotFound):
    """No such session."""

    code = "SESSION_NOT_FOUND"


class SessionNotHeld(LeaderboardError):
    """The session was not held (it counts as submitted), or was approved and cannot be
    rejected."""

    code = "SESSION_NOT_HELD"
    http_status = 409


class RuleNotFound(NotFound):
    """No such rule."""

    code = "RULE_NOT_FOUND"


class RuleExists(LeaderboardError):
    """A rule with that id already exists."""

    code = "RULE_EXISTS"
    http_status = 409


class Unavailable(LeaderboardError):
    """A backing service is unavailable; retry shortly."""

    code = "SERVICE_UNAVAILABLE"
    http_status = 503


def cannot_connect(service: str, exc: Exception) -> Unavailable:
    """A service that cannot be reached, and what to do about it."""
    variable = "DATABASE_URL" if service == "PostgreSQL" else "REDIS_URL"
    return Unavailable(
        f"cannot connect to {service}: {str(exc).strip()}\n"
        f"  Start the project's own servers with `make run` (or `python -m ops up`) in the "
        f"project directory, or set {variable} to a server you run."
    )


def proxy_without_shards(command: str, what: str) -> InvalidArgument:
    """`command` on the proxy of a sharded deployment, which needs the shards themselves."""
    return InvalidArgument(
        f"DATABASE_URL is the proxy of a sharded deployment, which keeps no data of its own: "
        f"set LEADERBOARD_SHARD_URLS (the shard databases, as `python -m ops up --shards` "
        f"prints them) to {what} from here, or run it on one shard with "
        f"DATABASE_URL=<shard URL> leaderboard {command}"
    )


class OutcomeUnknown(LeaderboardError):
    """The connection to the database was lost during the write, which may or may not have
    been recorded: retry with the same Idempotency-Key to get its outcome."""

    code = "OUTCOME_UNKNOWN"
    http_status = 503


class SchemaOutOfDate(LeaderboardError):
    """The database schema is older than this code: run `leaderboard migrate`."""

    code = "SCHEMA_OUT_OF_DATE"
    http_status = 503


# SQLSTATE -> domain error. LB0xx are ours: LB001 an idempotency key reused with another
# payload, LB010/LB011 a server key refused (unknown/revoked; not for this game mode), LB013
# a moderation action on a session whose state does not allow it.
_BY_SQLSTATE: dict[str, type[LeaderboardError]] = {
    "22023": InvalidArgument,  # invalid_parameter_value
    "22003": TotalOutOfRange,  # numeric_value_out_of_range
    "P0002": NotFound,  # no_data_found
    "23505": UsernameTaken,  # unique_violation
    "LB001": IdempotencyKeyReused,
    # a shard asked for a player whose name is another shard's: only a caller that bypasses
    # the proxy sees it, and the message says to go through the proxy
    "LB002": InvalidArgument,
    "LB010": InvalidKey,
    "LB011": KeyNotAllowed,
    "LB013": SessionNotHeld,
}


# The same SQLSTATE about a different argument is a different error for clients.
_BY_ARGUMENT: dict[tuple[str, str], type[LeaderboardError]] = {
    ("P0002", "p_board"): BoardNotFound,
    ("P0002", "p_period"): PeriodNotFound,
    ("23505", "p_board_id"): BoardExists,
    ("P0002", "p_key_name"): KeyNotFound,
    ("23505", "p_key_name"): KeyExists,
    ("P0002", "p_session_id"): SessionNotFound,
    ("P0002", "p_rule_id"): RuleNotFound,
    ("23505", "p_rule_id"): RuleExists,
}


def field_name(argument: str | None) -> str | None:
    """The public name of a SQL argument: p_user_id -> user_id."""
    if not argument:
        return None
    return argument.removeprefix("p_")


def translate(exc: psycopg.Error, write: bool = False) -> LeaderboardError:
    """Turn a database error into a domain error; unknown errors become Unavailable or 500s.

    An ERROR from the server (statement_timeout, lock_timeout, ...) means the statement
    rolled back: a definitive "not written". A write whose connection was lost, or whose
    session was ended (FATAL), may have committed before the failure: OutcomeUnknown."""
    if isinstance(exc, psycopg.OperationalError):
        # a sharded proxy's 08006: a shard was lost during the call (db/proxy/functions/_reraise)
        if exc.sqlstate == "08006" and write:
            return OutcomeUnknown()
        if exc.sqlstate == "08001":
            return Unavailable("a shard of the database is unavailable; retry shortly")
        if exc.diag.severity_nonlocalized == "ERROR":
            return Unavailable("the database is busy (a timeout expired); retry shortly")
        if write:
            return OutcomeUnknown()
        return Unavailable("the database is unavailable; retry shortly")
    if exc.sqlstate is None and isinstance(exc, psycopg.DataError):
        # refused by the driver before it was sent: a NUL character, which PostgreSQL's
        # text cannot hold; nothing reached the server
        return InvalidArgument(f"the input cannot be sent to PostgreSQL: {exc}")
    diag = exc.diag
    argument = diag.column_name
    kind = _BY_ARGUMENT.get((exc.sqlstate or "", argument or "")) or _BY_SQLSTATE.get(
        exc.sqlstate or ""
    )
    if kind is None and (exc.sqlstate or "").startswith("22"):
        # any other data exception (a time or interval PostgreSQL cannot read or hold): the
        # caller's input, which the functions name when they check it themselves
        kind = InvalidArgument
    if kind is None:
        return LeaderboardError()
    message = diag.message_primary or str(exc)
    field = field_name(argument)
    if argument and field and message.startswith(argument):
        message = field + message[len(argument) :]
    return kind(message, field=field, detail=diag.message_detail)
