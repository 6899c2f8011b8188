"""Lists of allowed values that Python must know as well as SQL, in one place on this side.

SQL is the truth (lb.game_modes, the check constraints of lb.boards); request validation, the
OpenAPI document and the dashboard read these, and tests/db/test_rules_parity.py fails when
the two sides disagree.
"""

from __future__ import annotations

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


def one_of(values: tuple[str, ...]) -> str:
    """'must be one of a, b, c': the phrase SQL's errors use too."""
    return "must be one of " + ", ".join(values)
