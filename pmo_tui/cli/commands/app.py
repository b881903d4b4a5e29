"""`pmo` with no command: the app.  The only place the CLI reaches Textual (lazily)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

EXIT_USAGE = 2


def open_app(args: argparse.Namespace) -> int:
    from ..session import check_time_zone

    _check_explicit_path(args)
    check_time_zone()
    _check_theme(args)
    # Without a terminal (`ssh host pmo` without -t, a pipe, cron) the app would write
    # escape codes nobody sees and wait forever for keys: point at the CLI instead.
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        sys.stderr.write(
            "pmo: the app needs a terminal (run `ssh -t`, or use the CLI: `pmo ls`, `pmo --help`)\n"
        )
        return EXIT_USAGE
    from ...ui.run import run_app

    return run_app(args)


def _check_explicit_path(args: argparse.Namespace) -> None:
    """A data path the user gave whose folder is missing is a typo: exit 3 (StoreError)
    before the app starts, as for every command (only the default location is created)."""
    import os

    from ...core import config
    from ...core.errors import StoreError

    try:
        cfg = config.load_config()
    except config.ConfigError:
        return  # the app reports it
    if not (args.db or os.environ.get("PMO_DB") or cfg.db):
        return
    path = config.resolve_db(args.db, cfg)
    if not path.parent.is_dir():
        raise StoreError(path, f"its folder {path.parent} does not exist")


def _check_theme(args: argparse.Namespace) -> None:
    """`--theme NAME` (or `theme` in the config) naming no theme file: exit 2 naming it and
    listing the known ones, before the app starts (theme files are read without Textual).
    A broken config file is reported here too, before the terminal check."""
    from ...core import config
    from ...core.theme_names import known_theme_names, unknown_theme
    from .. import UsageError

    wanted = args.theme
    source = "--theme"
    if wanted is None:
        try:
            cfg = config.load_config()
        except config.ConfigError as exc:  # exit 2 naming the file and the key, at once
            raise UsageError(str(exc)) from None
        wanted, source = cfg.theme, f"theme in {cfg.path}"
    if wanted is None:
        return
    problem = unknown_theme(wanted, known_theme_names())
    if problem:
        raise UsageError(f"{source}: {problem}")
