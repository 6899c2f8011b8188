"""Timestamps as the API shows and reads them: ISO 8601, shown in UTC with milliseconds and a Z."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def iso(ts: float | None = None) -> str:
    moment = datetime.fromtimestamp(time.time() if ts is None else ts, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_instant(raw: str) -> datetime | None:
    """An ISO 8601 time that names its zone ('Z' or an offset), in UTC; None for anything else.

    A time without a zone is refused rather than read as UTC or as the server's zone: board
    periods start at local midnights, and a guess would silently pick the wrong period."""
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC)
