"""Timestamps as the API shows and reads them: ISO 8601, shown in UTC with milliseconds and a Z."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from leaderboard import rules

ISO_RULE = "must be an ISO 8601 time with a time zone (2026-03-30T00:00:00Z)"
_FRACTION = re.compile(r"[.,](\d+)")
# the one form taken: a date, a time to the minute or second (and up to 6 decimals), and a
# zone as Z or an offset in hours and minutes. Python's own reader takes more (an offset with
# seconds, a trailing NUL), which would read a time that is not the one written.
_FORM = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?(?:[Zz]|[+-]\d{2}:\d{2})"
)


class InstantError(ValueError):
    """A time that cannot be read; the message is the rule it breaks ('must be ...')."""


def iso(ts: float | datetime | None = None) -> str:
    """A time as the API shows it: now, an epoch time, or a datetime. A datetime is formatted
    as it is, never through a float: 9999-12-31T23:59:59.999999 as a float timestamp rounds
    up into year 10000, which no datetime holds (a 500, before)."""
    if isinstance(ts, datetime):
        moment = ts.astimezone(UTC)
    else:
        moment = datetime.fromtimestamp(time.time() if ts is None else ts, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_instant(raw: str) -> datetime:
    """An ISO 8601 time that names its zone ('Z' or an offset), in UTC; InstantError for
    anything else.

    A time without a zone is refused rather than read as UTC or as the server's zone: board
    periods start at local midnights, and a guess would silently pick the wrong period. So
    is one with more than six decimal places (times are kept to the microsecond: the rest
    would be cut off unseen), and one outside the times a board may have
    (rules.MIN_TIME .. MAX_TIME, lb._min_time() .. lb._max_time())."""
    fraction = _FRACTION.search(raw)
    if fraction and len(fraction.group(1)) > 6:
        raise InstantError(f"{ISO_RULE} with at most 6 decimal places (microseconds)")
    if not _FORM.fullmatch(raw):
        raise InstantError(ISO_RULE)
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InstantError(ISO_RULE) from None
    if moment.tzinfo is None:
        raise InstantError(ISO_RULE)
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00 is in year 0 in UTC
        raise InstantError(rules.time_range_rule()) from None
    if not rules.MIN_TIME <= moment <= rules.MAX_TIME:
        raise InstantError(rules.time_range_rule())
    return moment
