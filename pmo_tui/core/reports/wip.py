"""Work-in-progress counts: what a column's WIP limit counts (every open card in it,
whatever a view or a filter shows).  Pure: the move's warning and the board's column
headers count the same way."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Doc


def wip_counts(cards: Iterable[Doc]) -> dict[str, int]:
    """Open (not archived) cards per column id, in one pass."""
    counts: dict[str, int] = {}
    for doc in cards:
        if doc.get("archived"):
            continue
        status = str(doc.get("status"))
        counts[status] = counts.get(status, 0) + 1
    return counts


def wip_count(cards: Iterable[Doc], column: str) -> int:
    """Open cards of ``cards`` (a project's) in the column with id ``column``."""
    return sum(1 for d in cards if d.get("status") == column and not d.get("archived"))


def over_wip(count: int, limit: int | None) -> bool:
    return limit is not None and count > limit
