"""Structured logs: one line per event, `action=caught_up changes=1532 ms=41`."""

from __future__ import annotations

import logging
import sys

import structlog


def setup(level: str = "INFO") -> None:
    logging.basicConfig(stream=sys.stderr, level=level, format="%(message)s", force=True)
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
