"""How SQL's board order becomes Redis's: scores, members, tie times and period names.

Redis orders a sorted set by (score, member bytes). The score is -value, so the natural order
is value descending. A member ends with the user id in base 62 (digits 0-9A-Za-z, which sort
in ASCII like their values) after a letter that gives its length (a for 1 digit, b for 2, ...),
so members sort like the integers: on 'shared' boards ties come out by user_id ascending,
exactly the SQL order with no re-sorting of tie groups (which can hold hundreds of thousands
of players). On 'earliest' boards the member starts with the time the value was reached, 9
fixed-width base-62 digits of microseconds since 1970, so ties sort by that time and then
user_id: SQL's (value desc, tie_at, user_id). Time is never packed into the score: scores are
doubles, and 2^53 leaves no room beside a value up to 2^53-1.

Why base 62: a member of up to 6 bytes fits the 8-byte allocation of a short Redis string, the
decimal `g1000000` needs 16; about 8 of the ~100 bytes a member costs (ids below 916M).

Only Python encodes and decodes ids; the Lua scripts cut strings and never do arithmetic on
an id, so no id passes through Lua's doubles.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_VALUE = {c: i for i, c in enumerate(DIGITS)}
# 62^9 microseconds is 428 years: tie times fit 9 digits until the year 2398
TIE_WIDTH = 9
ALL_TIME = "all"


def _base62(n: int) -> str:
    if n == 0:
        return "0"
    out = []
    while n:
        n, digit = divmod(n, 62)
        out.append(DIGITS[digit])
    return "".join(reversed(out))


# two base-62 digits at a time: a rebuild encodes millions of ids (3.4M for one weekly board
# at 1M players), and the plain loop cost 2 us an id
_PAIRS = [DIGITS[i // 62] + DIGITS[i % 62] for i in range(62 * 62)]


def encode_user(user_id: int) -> str:
    if user_id < 62:
        return "a" + DIGITS[user_id]
    if user_id < 3_844:
        return "b" + _PAIRS[user_id]
    high, low = divmod(user_id, 3_844)
    if high < 62:
        return "c" + DIGITS[high] + _PAIRS[low]
    if high < 3_844:
        return "d" + _PAIRS[high] + _PAIRS[low]
    digits = _base62(user_id)
    return chr(ord("a") + len(digits) - 1) + digits


def decode_user(encoded: str) -> int:
    value = 0
    for c in encoded[1:]:
        value = value * 62 + _VALUE[c]
    return value


def tie_part(tie_us: int) -> str:
    return _base62(tie_us).rjust(TIE_WIDTH, "0")


def member(user_id: int, tie_us: int | None) -> str:
    """A board member: the user alone on shared boards, tie time first on earliest boards."""
    if tie_us is None:
        return encode_user(user_id)
    return tie_part(tie_us) + encode_user(user_id)


def user_of(raw: str | bytes, earliest: bool = False) -> int:
    """The user id of a member; on earliest boards it follows the tie time."""
    if isinstance(raw, bytes):
        raw = raw.decode()
    return decode_user(raw[TIE_WIDTH:] if earliest else raw)


def tie_of(raw: str | bytes) -> int:
    """The tie time (microseconds since 1970) of an earliest board's member."""
    if isinstance(raw, bytes):
        raw = raw.decode()
    value = 0
    for c in raw[:TIE_WIDTH]:
        value = value * 62 + _VALUE[c]
    return value


def value_of(score: float | str | bytes) -> int:
    return -int(float(score))


def name_slot(user_id: int) -> tuple[str, str]:
    """(bucket, field) of a player's username: its encoded id but the last digit, and that
    digit. Buckets of at most 62 fields stay in Redis's compact listpack encoding; the read
    scripts find the same slot by cutting the member."""
    encoded = encode_user(user_id)
    return encoded[:-1], encoded[-1]


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
