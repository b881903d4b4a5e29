"""What every command needs: config, the data file, the user, the project and the Board."""

from __future__ import annotations

import os

from . import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from pathlib import Path
    from typing import Any

    from ..core.board import Board
    from ..core.storage.jsonfile.store import Store


def check_time_zone() -> None:
    """A TZ the C library cannot use makes every local time fail: say so, naming TZ, before
    anything else can blame the data file for it."""
    from datetime import datetime

    try:
        datetime.now().astimezone()
    except (ValueError, OverflowError, OSError):
        from .output import shown

        raise UsageError(
            f"the time zone TZ={shown(os.environ.get('TZ', ''))!r} cannot be used "
            "(UTC offset out of range): set TZ to a zone such as Europe/Paris, or unset it"
        ) from None


class Session:
    def __init__(self, args: argparse.Namespace) -> None:
        from ..core import config

        self.args = args
        try:
            self.cfg = config.load_config()
        except config.ConfigError as exc:
            raise UsageError(str(exc)) from None
        check_time_zone()
        # Only pmo's default location is created on first use: a path the user gave
        # (--db, PMO_DB, `db` in config) whose folder is missing is a typo, refused.
        self.explicit = bool(args.db or os.environ.get("PMO_DB") or self.cfg.db)
        self.path: Path = config.resolve_db(args.db, self.cfg)
        self.user = config.resolve_user(self.cfg)
        self.project = config.resolve_project(args.project, self.cfg)
        self._board: Board | None = None

    def store(self, seed: bool = True) -> Store:
        from ..core.storage.jsonfile.store import Store

        return Store(self.path, seed=seed, create_parent=not self.explicit)

    def require_file(self) -> None:
        """A read command on a missing data file: exit 3 naming it, and create nothing."""
        if os.path.lexists(self.path):
            return
        from ..core.errors import StoreError

        parent = self.path.parent
        if not parent.is_dir():
            raise StoreError(self.path, f"its folder {parent} does not exist")
        raise StoreError(
            self.path,
            "does not exist (nothing to read yet: `pmo init` or `pmo add TITLE` creates it)",
        )

    @property
    def board(self) -> Board:
        if self._board is None:
            from ..core.board import Board

            self._board = Board(
                self.store(), self.user, self.project, hours_per_day=self.cfg.hours_per_day
            )
        return self._board

    def parsed(self, fn: Any, *a: Any) -> Any:
        """Run a parser of core.parse; its error is bad input (exit 2)."""
        from ..core import parse
        from ..core.errors import UseCaseError

        try:
            return fn(*a)
        except parse.ParseError as exc:
            raise UseCaseError(str(exc)) from None
