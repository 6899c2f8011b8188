"""Structured logs: one line per event, `action=caught_up changes=1532 ms=41`."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

import structlog

_configured = False


def setup(level: str = "INFO") -> None:
    """Configure once per process; a later call (another app in the same process) only
    adjusts the level, leaving handlers that others installed (pytest's capture) alone."""
    global _configured  # noqa: PLW0603 - process-wide logging is process-wide state
    logging.getLogger().setLevel(level)
    if _configured:
        return
    _configured = True
    logging.basicConfig(stream=sys.stderr, level=level, format="%(message)s")
    for handler in logging.getLogger().handlers:
        handler.setFormatter(_OneFormat())
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"),
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.processors.format_exc_info,
            structlog.processors.EventRenamer("action"),
            structlog.processors.LogfmtRenderer(
                key_order=["ts", "level", "logger", "action"], drop_missing=True
            ),
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    # yoyo narrates every step at INFO; our own `migrated` line says what happened
    logging.getLogger("yoyo").setLevel(logging.WARNING)
    # APScheduler logs every job run at INFO; our jobs log what they did themselves
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def get(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.stdlib.get_logger(name)


class _OneFormat(logging.Formatter):
    """Every line in one format: ours come rendered by structlog; a library's (APScheduler's
    missed runs, flask-limiter's storage recovering) are rendered the same way here, its
    message as the action."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if message.startswith("ts="):
            return message
        stamp = datetime.fromtimestamp(record.created, UTC).isoformat().replace("+00:00", "Z")
        text = message.replace("\n", " ").replace('"', "'")
        line = f'ts={stamp} level={record.levelname.lower()} logger={record.name} action="{text}"'
        if record.exc_info:
            line += " exception=" + json.dumps(self.formatException(record.exc_info))
        return line
