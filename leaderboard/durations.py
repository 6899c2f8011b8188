"""Durations as the API shows and reads them: ISO 8601 (P28D, PT90M), on HTTP and the CLI alike.

Read: the text is checked for ISO 8601's form here and passed to PostgreSQL as it is, which
reads years and months as such (P1M is one month, not 30 days) and whose functions own the
rules (lb.create_board refuses months: a month has no fixed length). Shown: as stored, in
days and time (P365D stays P365D; a year would be a different duration).
"""

from __future__ import annotations

import re
from datetime import timedelta

# each number small enough that PostgreSQL's interval holds it (it refuses more with an error
# that names no argument); the rules on the value are lb.create_board's
_ISO = re.compile(
    r"P(?!$)(?:\d{1,6}Y)?(?:\d{1,6}M)?(?:\d{1,8}W)?(?:\d{1,9}D)?"
    r"(?:T(?=\d)(?:\d{1,9}H)?(?:\d{1,9}M)?(?:\d{1,9}(?:\.\d{1,6})?S)?)?"
)
RULE = "must be an ISO 8601 duration such as P28D (28 days) or PT90M (90 minutes)"


def is_iso(raw: str) -> bool:
    return _ISO.fullmatch(raw) is not None


def iso(value: timedelta) -> str:
    """P28D, PT1H30M, P1DT2H, PT0.5S; PT0S for zero."""
    days = value.days
    seconds = value.seconds
    micros = value.microseconds
    if days < 0:  # not a length a board has; shown without losing it
        return "-" + iso(-value)
    text = "P" + (f"{days}D" if days else "")
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    time = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if secs or micros:
        time += f"{secs}.{micros:06d}".rstrip("0").rstrip(".") + "S"
    if time:
        text += "T" + time
    return text if text != "P" else "PT0S"
