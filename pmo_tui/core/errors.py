"""The exceptions a user can meet; the CLI maps each to its exit code (SPEC section 3).

- :class:`NothingToDo`: nothing to report or act on (exit 1).
- :class:`UseCaseError`: bad input or an impossible request (exit 2).
- :class:`StoreError`: the data file cannot be used (exit 3), with the path and the reason.

Anything else that escapes is a bug in pmo, reported as an internal error, never blamed on
the user's file.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class UseCaseError(Exception):
    """Bad input or an impossible request (CLI exit code 2)."""


class NothingToDo(Exception):
    """Nothing to report or act on, e.g. no running timer (CLI exit code 1)."""


class StoreError(Exception):
    """The data file cannot be used (CLI exit code 3)."""

    def __init__(self, path: Any, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
