"""Shared core of the leaderboard: configuration, logging, errors, the SQL API, migrations."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DB_DIR = PROJECT_ROOT / "db"
