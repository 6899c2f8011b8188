"""Lists of allowed values and numeric limits that Python must know as well as SQL, in one
place on this side.

SQL is the truth (lb.game_modes, the check constraints of lb.boards, lb.limits()); request
validation, query parsing, the OpenAPI document and the dashboard read these, and
tests/db/test_rules_parity.py fails when the two sides disagree.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal, get_args

# lb.game_modes, in its order
GameMode = Literal["classic", "ranked", "casual", "tournament"]
GAME_MODES: tuple[str, ...] = get_args(GameMode)
DEFAULT_GAME_MODE = "classic"

# lb.boards' check constraints
Aggregate = Literal["sum", "best"]
Reset = Literal["never", "daily", "weekly", "monthly", "fixed"]
TieBreak = Literal["shared", "earliest"]
AGGREGATES: tuple[str, ...] = get_args(Aggregate)
RESETS: tuple[str, ...] = get_args(Reset)
TIE_BREAKS: tuple[str, ...] = get_args(TieBreak)

GLOBAL_BOARD = "global"
# lb.boards' board_id check
BOARD_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"


# lb.limits(), one private SQL function each (db/functions/_max_*.sql)
MAX_SCORE = 1_000_000  # points in one session; the least is 0
MAX_VALUE = 2**53 - 1  # a board value: Redis scores are doubles, exact up to here
MAX_PAGE = 100  # rows of a top page or of a player's sessions
MAX_RADIUS = 50  # neighbours on each side
MAX_KEY_LENGTH = 255  # an idempotency key
MAX_USERNAME_LENGTH = 50
MAX_RETAIN_PERIODS = 1000
# the times a board may have and a read may ask for: what every client can show (lb._min_time,
# lb._max_time); the longest fixed period (lb._max_reset_every)
MIN_TIME = datetime(1, 1, 1, tzinfo=UTC)
MAX_TIME = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
MAX_RESET_EVERY = timedelta(days=36525)
SQL_LIMITS = {
    "max_score": MAX_SCORE,
    "max_value": MAX_VALUE,
    "max_page": MAX_PAGE,
    "max_radius": MAX_RADIUS,
    "max_key_length": MAX_KEY_LENGTH,
    "max_username_length": MAX_USERNAME_LENGTH,
    "max_retain_periods": MAX_RETAIN_PERIODS,
    # whole epoch seconds, rounded down (a float timestamp rounds 9999's last one up)
    "min_time": (MIN_TIME - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(seconds=1),
    "max_time": (MAX_TIME - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(seconds=1),
    "max_reset_every": int(MAX_RESET_EVERY.total_seconds()),
}

# HTTP only (SQL pages by any offset): deeper pages cost a scan of the skipped rows
MAX_OFFSET = 100_000_000
# what a read answers when the request names no page size or radius
DEFAULT_PAGE = 10
DEFAULT_SESSIONS_PAGE = 20
DEFAULT_RADIUS = 5


def range_rule(low: int, high: int) -> str:
    """'must be an integer from 0 to 1000000': the phrase SQL's errors use too."""
    return f"must be an integer from {low} to {high}"


def time_range_rule() -> str:
    """The phrase lb._time_range_rule() says."""
    first, last = (t.isoformat().replace("+00:00", "Z") for t in (MIN_TIME, MAX_TIME))
    return f"must be a time from {first} to {last}"


def one_of(values: tuple[str, ...]) -> str:
    """'must be one of a, b, c': the phrase SQL's errors use too."""
    return "must be one of " + ", ".join(values)
