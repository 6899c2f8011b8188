"""The project's own services for `make run`: PostgreSQL and Redis under .var/ (git-ignored)."""

from __future__ import annotations

import os
from pathlib import Path

from ops import redis_acl
from ops.postgres import LocalPostgres, data_root_for
from ops.redis_server import LocalRedis

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR = PROJECT_ROOT / ".var"
DATABASE = "leaderboard"


def postgres() -> LocalPostgres:
    port = int(os.environ.get("LB_PG_PORT", "5433"))
    return LocalPostgres(root=data_root_for(VAR), port=port, settings={"shared_buffers": "1GB"})


def redis() -> LocalRedis:
    port = int(os.environ.get("LB_REDIS_PORT", "6380"))
    return LocalRedis(root=VAR / "redis", port=port, acl_passwords=redis_acl.passwords_from_env())
