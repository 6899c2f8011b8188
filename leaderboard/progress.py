"""Progress of long commands on a terminal: a bar (tqdm) with its rate and, where the total
is known, the time left. Nothing at all when stderr is not a terminal (logs, CI, a pipe), so
scripts and the bridge see the same output as before. The bridge and the web app never show
one: only the commands a person runs ask for it (seed, verify, chaos)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any

from tqdm import tqdm


def shown() -> bool:
    return sys.stderr.isatty()


def bar(
    desc: str,
    total: float | None = None,
    unit: str = " entries",
    enabled: bool = True,
    **options: Any,
) -> tqdm:
    """A bar on stderr; a disabled one (every call a no-op) when it is not a terminal."""
    return tqdm(
        desc=desc,
        total=total,
        unit=unit,
        unit_scale=True,
        file=sys.stderr,
        leave=False,
        mininterval=0.5,
        disable=not (enabled and shown()),
        **options,
    )


def batches(
    items: Iterable[tuple[str, list]],
    desc: str,
    total: int | None = None,
    enabled: bool = True,
    position: int | None = None,
) -> Iterator[tuple[str, list]]:
    """(key, rows) batches passed through as they come, counting their rows on a bar (on line
    `position` below the cursor, when several run at once)."""
    if not enabled or not shown():
        yield from items
        return
    with bar(desc, total, position=position) as progress:
        for key, rows in items:
            yield key, rows
            progress.update(len(rows))
