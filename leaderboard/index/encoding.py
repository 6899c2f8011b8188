"""How SQL's board order becomes Redis's: scores, members, tie times and period names.

Redis orders a sorted set by (score, member bytes). The score is -value, so the natural order
is value descending. A member ends with the user id length-prefixed (chr(ord('a') + digits - 1)
then the digits), which sorts like the integer, so on 'shared' boards ties come out by user_id
ascending, exactly the SQL order with no re-sorting of tie groups (which can hold hundreds of
thousands of players). On 'earliest' boards the member starts with the time the value was
reached, in fixed-width microseconds, so ties sort by that time and then user_id: SQL's
(value desc, tie_at, user_id). Time is never packed into the score: scores are doubles, and
2^53 leaves no room beside a value up to 2^53-1.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

# microseconds since 1970 fit 16 digits until the year 2286
TIE_DIGITS = 16
ALL_TIME = "all"


def encode_user(user_id: int) -> str:
    digits = str(user_id)
    return chr(ord("a") + len(digits) - 1) + digits


def member(user_id: int, tie_us: int | None) -> str:
    """A board member: the user alone on shared boards, tie time first on earliest boards."""
    if tie_us is None:
        return encode_user(user_id)
    return f"{tie_us:0{TIE_DIGITS}d}" + encode_user(user_id)


def tie_part(tie_us: int) -> str:
    return f"{tie_us:0{TIE_DIGITS}d}"


def user_of(raw: str | bytes) -> int:
    """The user id of a member of either kind."""
    if isinstance(raw, bytes):
        raw = raw.decode()
    if raw[0].isdigit():
        raw = raw[TIE_DIGITS:]
    return int(raw[1:])


def value_of(score: float | str | bytes) -> int:
    return -int(float(score))


def name_slot(user_id: int) -> tuple[str, str]:
    """(bucket, field) of a player's username: id // 100 and id % 100. Buckets of at most 100
    fields stay in Redis's compact listpack encoding. The read scripts find the same slot
    from the member's decimal digits (all but the last two, and those two as a number),
    because Lua's numbers are doubles and cannot divide a large bigint exactly."""
    return str(user_id // 100), str(user_id % 100)


def period_key(start: int | None) -> str:
    """The name of a period in keys: `all` for an all-time board's one period, else its start
    in UTC (epoch seconds in, 20260330T000000Z out)."""
    if start is None:
        return ALL_TIME
    return datetime.fromtimestamp(start, UTC).strftime("%Y%m%dT%H%M%SZ")


def period_start(key: str) -> int | None:
    """The inverse of period_key."""
    if key == ALL_TIME:
        return None
    return int(datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp())


def current_period(start: int | None, end: int | None, now: float | None = None) -> str:
    """The key of the current period, from the bounds PostgreSQL last published. Periods are
    contiguous, so once `end` has passed the current period is the one starting there, even
    before anyone has asked PostgreSQL for its end."""
    if start is None:
        return ALL_TIME
    if end is not None and (time.time() if now is None else now) >= end:
        return period_key(end)
    return period_key(start)
