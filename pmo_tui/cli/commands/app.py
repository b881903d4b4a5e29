"""`pmo` with no command: the app.  The only place the CLI reaches Textual (lazily)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

EXIT_USAGE = 2


def open_app(args: argparse.Namespace) -> int:
    # Without a terminal (`ssh host pmo` without -t, a pipe, cron) the app would write
    # escape codes nobody sees and wait forever for keys: point at the CLI instead.
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        sys.stderr.write(
            "pmo: the app needs a terminal (run `ssh -t`, or use the CLI: `pmo ls`, `pmo --help`)\n"
        )
        return EXIT_USAGE
    from ...ui.run import run_app

    return run_app(args)
